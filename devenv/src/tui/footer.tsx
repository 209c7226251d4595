import { Text } from 'ink';
import { KEY_BINDINGS } from './keymap.js';

export function Footer({ status }: { readonly status: string }) {
  return (
    <Text>
      {status ? <Text color="cyan">{status} </Text> : null}
      {KEY_BINDINGS.filter((binding) => binding.footer).map(({ label, help }) => (
        <Text key={label}>
          <Text bold>{label}</Text>
          <Text dimColor> {help} </Text>
        </Text>
      ))}
    </Text>
  );
}

export function HelpOverlay() {
  return (
    <>
      <Text bold>Keys</Text>
      {KEY_BINDINGS.map(({ label, help }) => (
        <Text key={label}>
          {'  '}
          <Text bold>{label.padEnd(10)}</Text> {help}
        </Text>
      ))}
      <Text dimColor>Press ? or esc to close.</Text>
    </>
  );
}
