/** A uPlot time-series chart that follows its container's width. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  values: (number | null)[];
  color: string;
  format?: (value: number) => string;
}

const HEIGHT = 180;

export function Chart({ title, time, lines }: { title: string; time: number[]; lines: Line[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = lines.map((line) => line.label).join('|');

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height: HEIGHT,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: '#667' }, { stroke: '#667', size: 80, values: (_, ticks) => ticks.map((tick) => (lines[0]?.format ? lines[0].format(tick) : String(tick))) }],
      series: [{}, ...lines.map((line) => ({ label: line.label, stroke: line.color, width: 2, spanGaps: false, value: (_: uPlot, value: number | null) => (value === null ? '–' : line.format ? line.format(value) : String(value)) }))],
    };
    plot.current = new uPlot(options, [time, ...lines.map((line) => line.values)] as uPlot.AlignedData, element);
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(240, element.clientWidth), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of lines changes; new data goes through setData below.
  }, [shape]);

  useEffect(() => {
    plot.current?.setData([time, ...lines.map((line) => line.values)] as uPlot.AlignedData);
  }, [time, lines]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={`${title}: chart over time`} />
    </figure>
  );
}
