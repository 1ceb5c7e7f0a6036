// The guard pack: example policy classifiers (docs/plugins.md, "Classifiers"), each a tiny ONNX model.
import { defineClassifier } from '@reelgraph/sdk';
import { ImageSocket } from '@reelgraph/sdk/frames';
import { frameFeatures, textFeatures } from './features';
import { scoreWith } from './linear-model';

export { ImageSocket };

export const ScamText = defineClassifier({
  type: 'guard.scam-text',
  title: 'Scam text classifier',
  description:
    'Scores a text for scam and spam wording (giveaways, crypto, lotteries, "click here"): a logistic regression over hashed words, in ONNX. An example of the classifier contract, not a real moderation model.',
  on: 'text',
  threshold: 0.5,
  label: 'scam or spam wording',
  score: (text) => scoreWith('scam-text.onnx', textFeatures(text)),
});

export const RedFrames = defineClassifier({
  type: 'guard.red-frames',
  title: 'Red frames classifier',
  description:
    'Scores a clip for being almost all red, from its mean colour, in ONNX. An example of the frame classifier contract: easy to trigger in a test, harmless otherwise.',
  on: 'frames',
  threshold: 0.5,
  label: 'frames that are almost all red',
  score: (frames) => scoreWith('red-frames.onnx', frameFeatures(frames)),
});
