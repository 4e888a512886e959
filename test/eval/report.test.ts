// Report formatting: Python's round-half-even '.3f', pycocotools' summary line layout and
// detectron2's tabulate "pipe" tables, against hand-written expected text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { metricsTable, perCategoryTable, pyFixed, summaryLines } from '../../src/eval/report.js';

test("pyFixed rounds exact binary ties to even like Python's format (JS toFixed rounds them up)", () => {
  assert.is((0.0625).toFixed(3), '0.063'); // the JS behaviour this corrects
  assert.is(pyFixed(0.0625, 3), '0.062');
  assert.is(pyFixed(0.1875, 3), '0.188');
  assert.is(pyFixed(-0.0625, 3), '-0.062');
  assert.is(pyFixed(2.5, 0), '2');
  assert.is(pyFixed(3.5, 0), '4');
  // 0.0005 is not a tie in binary (slightly above): rounds up in both languages
  assert.is(pyFixed(0.0005, 3), '0.001');
  assert.is(pyFixed(0.3195452758576433, 3), '0.320');
  assert.is(pyFixed(-1, 3), '-1.000');
  assert.is(pyFixed(NaN, 3), 'nan');
});

test('summary lines: pycocotools layout, -1 printed as -1.000', () => {
  const s = summaryLines('bbox', [0.5, 0.25, 0.125, -1, 0.5, 0.5, 0.1, 0.2, 0.3, -1, 0.4, 0.6]);
  assert.is(s.length, 12);
  assert.is(s[0], ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500');
  assert.is(s[2], ' Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 0.125');
  assert.is(s[3], ' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000');
  assert.is(s[6], ' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.100');
  const k = summaryLines('keypoints', [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.is(k.length, 10);
  assert.is(k[3], ' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets= 20 ] = 0.400');
  assert.is(k[7], ' Average Recall     (AR) @[ IoU=0.75      | area=   all | maxDets= 20 ] = 0.800');
});

test("detectron2's small table: centred, columns at least header + 2 wide, nan for undefined", () => {
  assert.is(metricsTable({ AP: 36.83169, AP50: 56.368, AP75: 43.2145, APs: 4.7245, APm: NaN, APl: 100 }), [
    '|   AP   |  AP50  |  AP75  |  APs  |  APm  |   APl   |',
    '|:------:|:------:|:------:|:-----:|:-----:|:-------:|',
    '| 36.832 | 56.368 | 43.215 | 4.724 |  nan  | 100.000 |',
  ].join('\n'));
});

test("detectron2's per-category table: 3 pairs a row, left-aligned, the last row padded with blanks", () => {
  // column widths: max(header + 2, widest cell): 10, 7 ('100.000'), 13 ('traffic light'), 6, 10, 4
  assert.is(perCategoryTable(['person', 'traffic light', 'car', 'dog'], [0.5, 0.123456, NaN, 1]), [
    '| category   | AP      | category      | AP     | category   | AP   |',
    '|:-----------|:--------|:--------------|:-------|:-----------|:-----|',
    '| person     | 50.000  | traffic light | 12.346 | car        | nan  |',
    '| dog        | 100.000 |               |        |            |      |',
  ].join('\n'));
});

test.run();
