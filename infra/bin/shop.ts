import { fileURLToPath } from 'node:url';
import { createShopApp } from '../src/shop-app.ts';

// `-c stage=prod` picks the stage; SHOP_STAGE does too when the context cannot be passed through
// (`SHOP_STAGE=prod npm run deploy` from the repository root).
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const { app } = await createShopApp({ repoRoot, defaultStage: process.env.SHOP_STAGE });
app.synth();
