// The run's own copy of the config: the user's file unchanged, plus the values this run sets (its output folder).
// Ctrl-World's wm_args fields are plain class attributes and some are dataclass fields, so both are overridden.

/** A Python literal for a string, number, boolean or null: JSON's string escapes are valid Python too. */
export function pythonLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be written to a Python config`);
    return String(value);
  }
  return JSON.stringify(value);
}

/** The config module's source with `overrides` applied to wm_args after its definition. */
export function withOverrides(source: string, overrides: Readonly<Record<string, string | number | boolean | null>>, runId: string): string {
  const entries = Object.entries(overrides);
  for (const [name] of entries) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a config field name`);
  const values = `{${entries.map(([name, value]) => `${JSON.stringify(name)}: ${pythonLiteral(value)}`).join(', ')}}`;
  return [
    source.replace(/\s*$/, ''),
    '',
    '',
    `# ---- Ctrl-World Flexiv, run ${runId}: the values this run uses instead of the ones above. ----`,
    'def _ctrl_world_flexiv_override(cls, values):',
    '    original_init = cls.__init__',
    '',
    '    def init_with_overrides(self, *args, **kwargs):',
    '        original_init(self, *args, **kwargs)',
    '        for name, value in values.items():',
    '            setattr(self, name, value)',
    '',
    '    cls.__init__ = init_with_overrides',
    '    for name, value in values.items():',
    '        setattr(cls, name, value)',
    '',
    '',
    `_ctrl_world_flexiv_override(wm_args, ${values})`,
    '',
  ].join('\n');
}

/** The module name a run's config snapshot is imported under: unique, so no other config can shadow it. */
export function runConfigModule(runId: string): string {
  return `ctrl_world_flexiv_run_${runId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
