/**
 * The config file `eval tune` edits: --config PATH, else ./switchyard.yaml, else the
 * built-in defaults written out as a new ./switchyard.yaml. The edited text is checked
 * with the project's own loader before anything is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildDefaultConfig } from '../config/defaults.js';
import { parseConfigText, type Environment, type GatewayConfig } from '../config/load.js';

export interface ConfigSource {
  /** Where --write writes. */
  path: string;
  /** What the diff is against. */
  text: string;
  /** Shown as the diff's "before" name. */
  label: string;
  config: GatewayConfig;
}

export function readConfigSource(configPath: string | undefined, env: Environment = process.env, cwd = process.cwd()): ConfigSource {
  const path = resolve(cwd, configPath ?? 'switchyard.yaml');
  if (configPath || existsSync(path)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the config ${path}: ${(error as Error).message}`);
    }
    return { path, text, label: path, config: parseConfigText(text, env, path) };
  }
  const text = `# Written by switchyard eval tune from the built-in defaults.\n${stringify(buildDefaultConfig(env))}`;
  return { path, text, label: '(built-in defaults)', config: parseConfigText(text, env, 'built-in defaults') };
}

/** Throws the loader's ConfigError, with every problem and its path, when the edited config is invalid. */
export function validateEditedConfig(text: string, path: string, env: Environment = process.env): GatewayConfig {
  return parseConfigText(text, env, `${path} (as tuned)`);
}
