import { measureLiveScreen } from './lib/tmp-live-screen.js';
for (let k = 0; k < 6; k++) { const r = await measureLiveScreen(16); console.log(JSON.stringify(r)); }
