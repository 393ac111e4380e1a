import { describe, expect, it } from 'vitest';
import { compileTemplate, expandTemplate, memberValues } from './templates.js';

describe('templates', () => {
  it('finds placeholders, with or without spaces, and expands them', () => {
    const { template, used } = compileTemplate('out/{{ index }}/{{item}}.{{name}}');
    expect(used).toEqual(['index', 'item', 'name']);
    expect(expandTemplate(template, { index: '3', item: 'x', name: 'w' })).toBe('out/3/x.w');
  });

  it('reports dotted and unknown words as placeholders (so that they can be refused)', () => {
    expect(compileTemplate('{{item.name}} {{foo}}').used).toEqual(['item.name', 'foo']);
  });

  it('leaves other braces alone', () => {
    const text = "awk '{{print $1}}' | t '{{.Name}}' {{ }} {x}";
    const { template, used } = compileTemplate(text);
    expect(used).toEqual([]);
    expect(expandTemplate(template, {})).toBe(text);
  });

  it('gives members their item, index, basename and stem', () => {
    expect(memberValues('conv', 'data/a.tar.gz', 4)).toEqual({
      name: 'conv',
      item: 'data/a.tar.gz',
      index: '4',
      basename: 'a.tar.gz',
      stem: 'a.tar',
    });
    expect(memberValues('c', '.hidden', 0)).toMatchObject({ basename: '.hidden', stem: '.hidden' });
    expect(memberValues('c', '7', 0)).toMatchObject({ basename: '7', stem: '7' });
  });
});
