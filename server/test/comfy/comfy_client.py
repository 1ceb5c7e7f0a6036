"""A ComfyUI API client written the way ComfyUI's own example scripts are (urllib + websocket-client):
queue an API-format prompt, follow the WebSocket until `executing` reports node None for our prompt,
then read /history and download every output through /view.

usage: comfy_client.py <server host:port> <prompt.json> <download dir>
Prints one JSON line: {"prompt_id", "messages": [types seen], "files": [paths], "progress": n}.
"""
import json
import os
import sys
import urllib.parse
import urllib.request
import uuid

import websocket

server, prompt_file, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
client_id = uuid.uuid4().hex


def queue_prompt(prompt):
    data = json.dumps({"prompt": prompt, "client_id": client_id}).encode("utf-8")
    # No content type, like ComfyUI's example: urllib sends application/x-www-form-urlencoded.
    req = urllib.request.Request(f"http://{server}/prompt", data=data)
    return json.loads(urllib.request.urlopen(req).read())


def get_history(prompt_id):
    with urllib.request.urlopen(f"http://{server}/history/{prompt_id}") as r:
        return json.loads(r.read())


def get_file(filename, subfolder, kind):
    query = urllib.parse.urlencode({"filename": filename, "subfolder": subfolder, "type": kind})
    with urllib.request.urlopen(f"http://{server}/view?{query}") as r:
        return r.read()


with open(prompt_file) as f:
    prompt = json.load(f)

ws = websocket.WebSocket()
ws.connect(f"ws://{server}/ws?clientId={client_id}")
ws.settimeout(300)
prompt_id = queue_prompt(prompt)["prompt_id"]
seen = []
progress = 0
while True:
    out = ws.recv()
    if not isinstance(out, str):
        continue  # binary previews
    message = json.loads(out)
    seen.append(message["type"])
    data = message.get("data", {})
    if message["type"] == "progress":
        progress += 1
    if message["type"] == "execution_error":
        print(json.dumps({"error": data}))
        sys.exit(1)
    if message["type"] == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id:
        break
ws.close()

history = get_history(prompt_id)[prompt_id]
files = []
for node_id, node_output in history["outputs"].items():
    for item in node_output.get("images", []):
        path = os.path.join(out_dir, item["filename"])
        with open(path, "wb") as f:
            f.write(get_file(item["filename"], item["subfolder"], item["type"]))
        files.append(path)

print(json.dumps({"prompt_id": prompt_id, "messages": seen, "files": files, "progress": progress,
                  "status": history["status"]["status_str"]}))
