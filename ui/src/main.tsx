import '@xyflow/react/dist/style.css';
import './styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import * as actions from './actions';
import * as perf from './lib/perf';
import { editor } from './state';
import { runStore } from './store/runStore';
import { uiStore } from './store/uiStore';

// A handle for browser tests and benchmarks (and for the curious in devtools).
Object.assign(window, { __reelgraph: { editor, runStore, uiStore, actions, perf } });

createRoot(document.getElementById('root')!).render(<App />);
void actions.start();
