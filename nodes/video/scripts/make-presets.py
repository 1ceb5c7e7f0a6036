"""Writes the video presets in graphs/ (run from the repo root: python3 nodes/video/scripts/make-presets.py).
Kept as a generator so the six graphs share one layout and one set of sampler settings."""
import json

SAMPLER = {"steps": 20, "cfg": 2, "shift": 3, "scheduler": "shift", "sampler": "euler", "denoise": 1,
           "start_step": 0, "end_step": 10000, "add_noise": True}


class G:
    def __init__(self, title, description):
        self.doc = {"version": 1, "meta": {"title": title, "description": description}, "nodes": {}}
        self.col = {}

    def add(self, id, type, inputs, title, col=0, row=None):
        row = self.col.get(col, 0) if row is None else row
        self.col[col] = row + 1
        self.doc["nodes"][id] = {"type": type, "inputs": inputs,
                                 "meta": {"title": title, "position": {"x": 340 * col, "y": 200 * row}}}
        return id

    def model(self):
        self.add("model", "video.load_model", {"model": "tiny", "device": "cpu", "threads": 0}, "Load model", 0)

    def prompt(self, id, text, title="Prompt"):
        self.add(id, "video.text_encode", {"text_encoder": ["model", "text_encoder"], "text": text}, title, 1)

    def latent(self, id="latent", frames=17, batch=1):
        self.add(id, "video.empty_latent", {"vae": ["model", "vae"], "width": 64, "height": 64, "frames": frames,
                                            "batch": batch}, "Empty latent video", 1)

    def noise(self, id, seed, col=1):
        self.add(id, "video.noise", {"seed": seed}, "Noise", col)

    def sampler(self, id, prompt, latent, noise, col=2, **over):
        self.add(id, "video.sampler", {"dit": ["model", "dit"], "positive": [prompt, "conditioning"], "latent": latent,
                                       "noise": [noise, "noise"], **SAMPLER, **over}, "DiT sampler", col)

    def decode(self, id, sampler, col=3):
        self.add(id, "video.vae_decode", {"vae": ["model", "vae"], "latent": [sampler, "latent"], "chunk": 4, "fps": 0},
                 "VAE decode", col)

    def save(self, images, prefix, col=4, fmt="mp4"):
        self.add("save", "video.save", {"images": images, "fps": 8, "format": fmt, "prefix": prefix, "quality": 0,
                                        "audio": "", "embed_graph": True}, "Save video", col)

    def write(self, name):
        with open(f"graphs/{name}.json", "w") as f:
            json.dump(self.doc, f, indent=2)
            f.write("\n")


g = G("Text to video", "A prompt becomes a 17-frame clip with the built-in tiny model, saved as MP4 "
      "(the graph is embedded in the file: drop it into the editor to get this graph back).")
g.model(); g.prompt("prompt", "a red circle moves right on a blue background"); g.latent(); g.noise("noise", 42)
g.sampler("sampler", "prompt", ["latent", "latent"], "noise"); g.decode("decode", "sampler")
g.save(["decode", "images"], "text-to-video"); g.write("text-to-video")

g = G("Image to video", "Animate a still image: the image becomes the first frame (mask + condition latent) "
      "and the prompt says what happens next.")
g.model(); g.add("image", "video.load_image", {"image": "graphs/assets/start.png"}, "Start image", 0)
g.prompt("prompt", "a yellow square moves right on a purple background"); g.latent(); g.noise("noise", 7)
g.add("i2v", "video.image_to_video", {"vae": ["model", "vae"], "start_image": ["image", "image"],
                                      "latent": ["latent", "latent"]}, "Image to video", 2)
g.sampler("sampler", "prompt", ["i2v", "latent"], "noise"); g.decode("decode", "sampler")
g.save(["decode", "images"], "image-to-video"); g.write("image-to-video")

g = G("Video to video", "Edit a clip by a new prompt: the clip is encoded, partly re-noised (denoise 0.7) and "
      "sampled towards the new prompt, keeping its layout and motion.")
g.model()
g.add("video", "video.load_video", {"video": "graphs/assets/clip.mp4", "max_frames": 17, "skip_frames": 0, "fps": 0},
      "Load video", 0)
g.add("encode", "video.vae_encode", {"vae": ["model", "vae"], "images": ["video", "images"], "chunk": 4},
      "VAE encode", 1)
g.prompt("prompt", "a blue circle moves left on a green background", "New prompt"); g.noise("noise", 3)
g.sampler("sampler", "prompt", ["encode", "latent"], "noise", denoise=0.7); g.decode("decode", "sampler")
g.save(["decode", "images"], "video-to-video"); g.write("video-to-video")

g = G("Variations", "Four variations of one prompt in a single batch: clip i uses seed 100 + i, so any "
      "variation can be re-made alone with its seed. Writes one MP4 per clip.")
g.model(); g.prompt("prompt", "a green triangle grows on a white background"); g.latent(batch=4)
g.noise("noise", 100); g.sampler("sampler", "prompt", ["latent", "latent"], "noise"); g.decode("decode", "sampler")
g.save(["decode", "images"], "variations"); g.write("variations")

g = G("Extend video", "A 65-frame clip made by chaining extensions: a 17-frame text-to-video clip, then four "
      "17-frame continuations, each starting from the last 5 frames of the clip so far (12 new frames each).")
g.model(); g.prompt("prompt", "a orange square moves down on a black background"); g.latent(); g.noise("noise0", 11)
g.sampler("s0", "prompt", ["latent", "latent"], "noise0"); g.decode("d0", "s0")
clip = ["d0", "images"]
for i in range(1, 5):
    g.add(f"extend{i}", "video.extend_video", {"vae": ["model", "vae"], "video": clip, "latent": ["latent", "latent"],
                                                "context_frames": 5}, f"Extend {i}", 2 + i, 0)
    g.noise(f"noise{i}", 11 + i, col=2 + i)
    g.sampler(f"s{i}", "prompt", [f"extend{i}", "latent"], f"noise{i}", col=2 + i)
    g.decode(f"d{i}", f"s{i}", col=2 + i)
    g.add(f"join{i}", "video.concat", {"first": clip, "second": [f"d{i}", "images"], "drop_first": [f"extend{i}", "overlap"]},
          f"Join {i}", 2 + i)
    clip = [f"join{i}", "images"]
g.save(clip, "extend-video", col=7); g.write("extend-video")

g = G("Stitch", "Two prompts, one film: shot one follows the first prompt; shot two continues from its last "
      "5 frames under the second prompt, and the shots are joined without the repeated frames (29 frames).")
g.model(); g.prompt("prompt_a", "a white diamond moves right on a black background", "Prompt A")
g.prompt("prompt_b", "a white diamond moves up on a black background", "Prompt B"); g.latent()
g.noise("noise_a", 21); g.noise("noise_b", 22)
g.sampler("shot_a", "prompt_a", ["latent", "latent"], "noise_a"); g.decode("clip_a", "shot_a")
g.add("extend", "video.extend_video", {"vae": ["model", "vae"], "video": ["clip_a", "images"],
                                        "latent": ["latent", "latent"], "context_frames": 5}, "Continue", 4, 0)
g.sampler("shot_b", "prompt_b", ["extend", "latent"], "noise_b", col=4); g.decode("clip_b", "shot_b", col=4)
g.add("join", "video.concat", {"first": ["clip_a", "images"], "second": ["clip_b", "images"],
                                "drop_first": ["extend", "overlap"]}, "Join shots", 5)
g.save(["join", "images"], "stitch", col=6); g.write("stitch")
print("wrote 6 presets")
