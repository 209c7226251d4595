import { Text } from 'ink';
import { KEY_HELP } from './keymap.js';

export function Footer({ status }: { readonly status: string }) {
  return (
    <Text>
      {status ? <Text color="cyan">{status} </Text> : null}
      {KEY_HELP.filter(([key]) =>
        ['↑↓', 'enter', 'r', 's', '/', 't', 'k', 'o', '?', 'q'].includes(key),
      ).map(([key, what]) => (
        <Text key={key}>
          <Text bold>{key}</Text>
          <Text dimColor> {what} </Text>
        </Text>
      ))}
    </Text>
  );
}

export function HelpOverlay() {
  return (
    <>
      <Text bold>Keys</Text>
      {KEY_HELP.map(([key, what]) => (
        <Text key={key}>
          {'  '}
          <Text bold>{key.padEnd(10)}</Text> {what}
        </Text>
      ))}
      <Text dimColor>Press ? or esc to close.</Text>
    </>
  );
}
