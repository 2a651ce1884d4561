// An ECharts chart with an accessible name and the ECharts aria description; resizes with its box.
import * as echarts from "echarts";
// @ts-expect-error the locale module ships without type declarations
import langFR from "echarts/lib/i18n/langFR.js";
import { useEffect, useRef } from "react";

// French texts of ECharts (aria description of each chart, month names, tooltips).
echarts.registerLocale("FR", langFR);

export function Chart({ title, option, testId }: { title: string; option: echarts.EChartsOption; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: "svg", locale: "FR" });
    chart.setOption({ aria: { enabled: true }, animation: false, ...option });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [option]);
  return (
    <figure className="fr-m-0">
      <figcaption className="fr-text--bold">{title}</figcaption>
      <div ref={ref} className="chart-box" role="img" aria-label={title} data-testid={testId} />
    </figure>
  );
}
