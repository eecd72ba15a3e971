import { measureAuthz } from '../lib/authz.js';
const r = await measureAuthz(Number(process.argv[2] ?? 300));
console.log(JSON.stringify(r));
