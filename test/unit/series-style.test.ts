import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesStyle } from '../../webview-ui/shared/seriesStyle';

test('seven or more dimensions stay apart: no two share colour and dash, and yellow never sits beside orange', () => {
  const styles = Array.from({ length: 14 }, (_, d) => seriesStyle(d));
  const keys = styles.map((style) => `${style.colorVariable} ${style.dash.join(',')}`);
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(styles.every((style) => style.colorVariable !== '--vscode-charts-yellow'));
  assert.deepEqual(styles[6]!.dash.length > 0, true, 'the seventh dimension (the gripper) is dashed');
});
