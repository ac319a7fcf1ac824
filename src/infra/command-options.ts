/**
 * The options of the npm run commands (report, what-if): `--name value` or `--name=value`; anything
 * starting with -- that the command does not know is named back with its --help.
 */
export interface CommandOptions {
  /** The value of `--name`, or undefined. */
  option(name: string): string | undefined;
  /** The arguments that look like options the command does not know. */
  unknown: string[];
}

export function commandOptions(argv: string[], known: readonly string[]): CommandOptions {
  const names = new Set(known);
  return {
    option: (name) => {
      const i = argv.indexOf(name);
      return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    },
    unknown: argv.filter((a, i) => a.startsWith('--') && !names.has(a.split('=')[0]) && !names.has(argv[i - 1])),
  };
}
