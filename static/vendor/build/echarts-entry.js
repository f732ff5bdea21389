// Only what the dashboard draws: bar charts with a grid, tooltip, scrolling legend and a mark line.
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendScrollComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, LegendScrollComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);
window.echarts = echarts;
