/**
 * The chat page's script (bundled at startup by esbuild, served as /app.js). Built only on the
 * public API of `@ws/client`: the client reconnects, follows drain hints and resumes threads;
 * these files only render. Text goes into the DOM through `textContent`, never as HTML.
 */
import { bindForms } from './chatForms.js';
import { chatPage } from './chatPage.js';
import { setState } from './chatView.js';

function start(): void {
  const page = chatPage();
  bindForms(page);
  setState(page, 'idle', '');
}

start();
