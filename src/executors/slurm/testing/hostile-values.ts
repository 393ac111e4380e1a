/** Test values: strings a shell would love to interpret, and some it would mangle. */
export const HOSTILE = [
  '$(touch pwned)',
  '`touch pwned`',
  "'; touch pwned; echo '",
  '"; touch pwned; echo "',
  'line one\ntouch pwned\n',
  '; touch pwned &',
  `it's "quoted" \\ back\\slash $HOME \${PATH} * ? [a] ~ | & > out < in`,
  '-rf --help',
  'tab\there é ∑ 🎉',
  '',
  "'",
  "''''",
  '\\',
  '!event',
  '#comment',
];
