// The training profiles on offer: the built-in ones and the *.yaml files of the ctrlWorld.config.profilesFolder.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite';
import { BUILTIN_PROFILES, ConfigError, parseProfile, stringifyProfile, type ConfigProfile } from '../../core/config';
import type { Settings } from '../../settings';

export interface ProfileEntry {
  readonly name: string;
  readonly description?: string;
  readonly builtin: boolean;
  readonly file?: string;
}

export class ProfileStore {
  constructor(private readonly settings: Settings) {}

  get folder(): string {
    return this.settings.configProfilesFolder;
  }

  /** The folder's profiles by file name, then the built-in ones it does not replace. */
  async list(): Promise<ProfileEntry[]> {
    const files = existsSync(this.folder)
      ? (await readdir(this.folder)).filter((file) => /\.ya?ml$/i.test(file)).sort()
      : [];
    const own: ProfileEntry[] = files.map((file) => ({
      name: file.replace(/\.ya?ml$/i, ''),
      builtin: false,
      file: path.join(this.folder, file),
    }));
    const builtins = BUILTIN_PROFILES.filter((profile) => !own.some((entry) => entry.name === profile.name)).map(
      (profile) => ({ name: profile.name, description: profile.description, builtin: true }),
    );
    return [...builtins, ...own];
  }

  async load(name: string): Promise<ConfigProfile> {
    const entry = (await this.list()).find((candidate) => candidate.name === name);
    if (!entry)
      throw new ConfigError(
        `There is no profile "${name}".`,
        `Profiles are the built-in ones and the *.yaml files in ${this.folder}.`,
      );
    if (!entry.file) return BUILTIN_PROFILES.find((profile) => profile.name === name)!;
    return parseProfile(await readFile(entry.file, 'utf8'), entry.name);
  }

  fileFor(name: string): string {
    return path.join(this.folder, `${name}.yaml`);
  }

  async save(profile: ConfigProfile): Promise<string> {
    const file = this.fileFor(profile.name);
    await writeFileAtomic(file, stringifyProfile(profile));
    return file;
  }
}
