// What a training config says about its converted data: where train_wm looks for it and the values conversion and
// its checks must agree with (down_sample, num_frames, video_num, frame size, action_dim).
import * as path from 'node:path';
import { defaultValues, type ConfigValue } from '../config';

export interface ConfigData {
  /** dataset_root_path and dataset_meta_info_path, absolute when a base folder is given (the Ctrl-World checkout). */
  readonly root: string;
  readonly metaRoot: string;
  /** dataset_names and dataset_cfgs split on "+": train_wm zips them, so a missing cfg drops its dataset. */
  readonly names: readonly string[];
  readonly cfgs: readonly string[];
  readonly downSample: number;
  readonly numFrames: number;
  readonly videoNum: number;
  readonly width: number;
  readonly height: number;
  readonly actionDim: number;
  readonly svdModelPath: string;
}

function text(value: ConfigValue | undefined, fallback: string): string {
  return typeof value === 'string' && value.trim() ? value.trim() : fallback;
}

function whole(value: ConfigValue | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Reads the data fields of a parsed config; fields that are missing or unreadable take upstream's defaults. */
export function configData(values: Readonly<Record<string, ConfigValue>>, base?: string): ConfigData {
  const defaults = defaultValues();
  const pick = (name: string) => (name in values ? values[name] : defaults[name]);
  const resolve = (value: string) => (base && !path.isAbsolute(value) ? path.resolve(base, value) : value);
  const names = text(pick('dataset_names'), 'droid_subset')
    .split('+')
    .map((name) => name.trim())
    .filter(Boolean);
  const cfgs = text(pick('dataset_cfgs'), names.join('+'))
    .split('+')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    root: resolve(text(pick('dataset_root_path'), 'dataset_example')),
    metaRoot: resolve(text(pick('dataset_meta_info_path'), 'dataset_meta_info')),
    names,
    cfgs,
    downSample: whole(pick('down_sample'), 3),
    numFrames: whole(pick('num_frames'), 5),
    videoNum: typeof pick('video_num') === 'number' ? (pick('video_num') as number) : 10,
    width: whole(pick('width'), 320),
    height: whole(pick('height'), 192),
    actionDim: whole(pick('action_dim'), 7),
    svdModelPath: text(pick('svd_model_path'), 'models/stable-video-diffusion-img2vid'),
  };
}

/** The meta folder train_wm reads a dataset's samples from: the cfg at the same position ("+"-joined lists). */
export function cfgFor(data: ConfigData, name: string): string | undefined {
  const index = data.names.indexOf(name);
  return index >= 0 ? data.cfgs[index] : undefined;
}
