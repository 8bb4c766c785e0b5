package report

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Timeline layout, in SVG user units.
const (
	labelW  = 230 // the names on the left
	chartW  = 820 // the time axis
	rowH    = 22
	waveRow = 28
	axisH   = 30
	padT    = 8
)

// Timeline draws the run as a Gantt chart: per wave a bar from its DRS job
// start to its end (coloured by outcome) after a hatched stretch waiting
// at its pause gate, and per server a bar from its first job event to its
// launch, a dot at the launch, a cross at a failure. A dashed line marks
// the RTO target. Every text is escaped here: the result is trusted HTML.
func Timeline(r *Report) template.HTML {
	from, to := r.Span[0], r.Span[1]
	if r.Target.Total > 0 && from.Add(time.Duration(r.Target.Total)).After(to) {
		to = from.Add(time.Duration(r.Target.Total))
	}
	if !to.After(from) {
		to = from.Add(time.Minute)
	}
	span := to.Sub(from)
	x := func(t time.Time) float64 {
		if t.IsZero() {
			return labelW
		}
		return labelW + float64(t.Sub(from))/float64(span)*chartW
	}
	height := padT + axisH
	for _, w := range r.Waves {
		height += waveRow + len(w.Servers)*rowH
	}
	width := labelW + chartW + 50 // room for the last tick label
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" role="img" aria-labelledby="tl-title tl-desc" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="tl-title">Timeline of %s %s of plan %s</title>`, esc(strings.ToLower(r.Execution.Type)), esc(r.Execution.Name), esc(r.Execution.Plan))
	fmt.Fprintf(&b, `<desc id="tl-desc">%d waves from %s to %s; recovery took %s.</desc>`, len(r.Waves), from.UTC().Format("15:04:05"), to.UTC().Format("15:04:05"), r.Recovery)
	b.WriteString(`<defs><pattern id="tl-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" class="tl-hatch"/></pattern></defs>`)
	b.WriteString(timelineStyle)

	// Axis: about six ticks at round steps.
	step := tickStep(span)
	for t := from.Truncate(step); !t.After(to); t = t.Add(step) {
		if t.Before(from) {
			continue
		}
		fmt.Fprintf(&b, `<line class="tl-grid" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`, x(t), padT+axisH-6, x(t), height)
		fmt.Fprintf(&b, `<text class="tl-tick" x="%.1f" y="%d">+%s</text>`, x(t), padT+14, esc(FormatDuration(t.Sub(from))))
	}
	if r.Target.Total > 0 {
		rx := x(from.Add(time.Duration(r.Target.Total)))
		fmt.Fprintf(&b, `<line class="tl-rto" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/><text class="tl-rto-label" x="%.1f" y="%d">RTO %s</text>`,
			rx, padT+axisH-6, rx, height, rx-4, padT+26, esc(r.Target.Total.String()))
	}

	y := padT + axisH
	for _, w := range r.Waves {
		fmt.Fprintf(&b, `<g class="tl-wave st-%s" data-wave="%s">`, esc(strings.ToLower(w.Status)), esc(w.Name))
		fmt.Fprintf(&b, `<text class="tl-label tl-wave-label" x="4" y="%d">%s · %s</text>`, y+18, esc(w.Name), esc(strings.ToLower(strings.ReplaceAll(w.Status, "_", " "))))
		if !w.PausedAt.IsZero() {
			end := w.ApprovedAt
			if end.IsZero() {
				end = to
			}
			fmt.Fprintf(&b, `<rect class="tl-pause" x="%.1f" y="%d" width="%.1f" height="%d"><title>paused at its gate %s%s</title></rect>`,
				x(w.PausedAt), y+6, max(x(end)-x(w.PausedAt), 1), waveRow-10, esc(FormatDuration(end.Sub(w.PausedAt))), esc(approvedBy(w)))
		}
		if !w.StartedAt.IsZero() {
			end := w.EndedAt
			if end.IsZero() {
				end = to
			}
			fmt.Fprintf(&b, `<rect class="tl-bar" x="%.1f" y="%d" width="%.1f" height="%d" rx="3"><title>wave %s: %s, %s</title></rect>`,
				x(w.StartedAt), y+4, max(x(end)-x(w.StartedAt), 2), waveRow-8, esc(w.Name), esc(w.Status), esc(w.Took.String()))
		}
		y += waveRow
		for _, s := range w.Servers {
			name := s.Hostname
			if name == "" {
				name = s.ID
			}
			fmt.Fprintf(&b, `<text class="tl-label" x="16" y="%d">%s</text>`, y+15, esc(name))
			start, end := s.FirstEventAt, s.LaunchedAt
			if end.IsZero() {
				end = s.FailedAt
			}
			if !start.IsZero() && !end.IsZero() {
				fmt.Fprintf(&b, `<rect class="tl-server" x="%.1f" y="%d" width="%.1f" height="%d" rx="2"><title>%s %s: %s</title></rect>`,
					x(start), y+6, max(x(end)-x(start), 1), rowH-12, esc(name), esc(s.ID), esc(FormatDuration(end.Sub(start))))
			}
			if !s.LaunchedAt.IsZero() {
				fmt.Fprintf(&b, `<circle class="tl-launch" cx="%.1f" cy="%d" r="4"><title>%s launched %s</title></circle>`, x(s.LaunchedAt), y+rowH/2, esc(name), esc(s.RecoveryInstanceID))
			}
			if !s.FailedAt.IsZero() {
				fx, fy := x(s.FailedAt), y+rowH/2
				fmt.Fprintf(&b, `<path class="tl-fail" d="M%.1f,%d l8,8 m0,-8 l-8,8"><title>%s: %s</title></path>`, fx-4, fy-4, esc(name), esc(s.Failure))
			}
			y += rowH
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func approvedBy(w Wave) string {
	if w.ApprovedBy == "" {
		return ", not approved"
	}
	return ", approved by " + w.ApprovedBy
}

func tickStep(span time.Duration) time.Duration {
	for _, s := range []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute,
		15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour} {
		if span/s <= 8 {
			return s
		}
	}
	return 48 * time.Hour
}

// timelineStyle travels inside the SVG, so the picture looks the same in
// the report, the console and an image viewer.
const timelineStyle = `<style>
.timeline text { font: 12px system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; fill: #17202c; }
.timeline .tl-wave-label { font-weight: 600; }
.timeline .tl-tick { fill: #5b6778; font-size: 11px; text-anchor: middle; }
.timeline .tl-grid { stroke: #dde3ea; }
.timeline .tl-rto { stroke: #b42318; stroke-dasharray: 6 4; stroke-width: 1.5; }
.timeline .tl-rto-label { fill: #b42318; text-anchor: end; font-size: 11px; }
.timeline .tl-bar { fill: #1d5fd1; }
.timeline .st-recovered .tl-bar { fill: #137a3d; }
.timeline .st-failed .tl-bar, .timeline .st-timed_out .tl-bar { fill: #b42318; }
.timeline .st-cancelled .tl-bar { fill: #5b6778; }
.timeline .tl-pause { fill: url(#tl-hatch); stroke: #9a5b00; stroke-width: 1; }
.timeline .tl-hatch { fill: #e8b04b; }
.timeline .tl-server { fill: #9fb9e8; }
.timeline .st-recovered .tl-server { fill: #9ed4b0; }
.timeline .tl-launch { fill: #137a3d; stroke: #fff; stroke-width: 1; }
.timeline .tl-fail { stroke: #b42318; stroke-width: 2.5; }
@media (prefers-color-scheme: dark) {
  .timeline text { fill: #e6ebf1; }
  .timeline .tl-grid { stroke: #2a3441; }
}
</style>`
