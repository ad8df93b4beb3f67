import ReactEChartsCore from 'echarts-for-react/lib/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

// Only the charts and parts the dashboard draws, with the SVG renderer: a fraction of all of ECharts,
// in the dashboard's own chunk (App.tsx loads the page lazily).
echarts.use([LineChart, BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

/** People who asked their system for less motion get the charts without animation. */
const reducedMotion = () =>
  typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

export function Chart({
  option,
  label,
  height = 260,
}: {
  option: EChartsCoreOption;
  label: string;
  height?: number;
}) {
  return (
    <div role="img" aria-label={label}>
      <ReactEChartsCore
        echarts={echarts}
        option={{ animation: !reducedMotion(), ...option }}
        notMerge
        // a fixed height: the renderer need not measure it
        opts={{ renderer: 'svg', height }}
        style={{ height, width: '100%' }}
      />
    </div>
  );
}
