export { AuthEnv, EnvError, lazyEnv, PlatformEnv, parseEnv } from './parse-env.ts';
