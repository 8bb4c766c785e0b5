package ui

import (
	"context"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/drs"
	drstypes "github.com/aws/aws-sdk-go-v2/service/drs/types"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
)

// serverRow is one DRS source server as the pages show it.
type serverRow struct {
	ID          string
	Hostname    string
	Group       string // its drsorch protection group, "" when unassigned
	Replication string
	Lag         string // DRS's ISO 8601 lag, e.g. PT5S
	Ready       bool
	LastLaunch  string // result of its last recovery launch
	Tags        []tag  // without the group tag, sorted by key
}

type tag struct{ Key, Value string }

func newServerRow(s drstypes.SourceServer) serverRow {
	row := serverRow{ID: aws.ToString(s.SourceServerID), Hostname: drsapi.Hostname(s), Group: s.Tags[drsapi.ProtectionGroupTag],
		Replication: string(drsapi.ReplicationState(s)), Ready: drsapi.ReadyForRecovery(s), LastLaunch: string(s.LastLaunchResult)}
	if s.DataReplicationInfo != nil {
		row.Lag = readableLag(aws.ToString(s.DataReplicationInfo.LagDuration))
	}
	for k, v := range s.Tags {
		if k != drsapi.ProtectionGroupTag {
			row.Tags = append(row.Tags, tag{k, v})
		}
	}
	sort.Slice(row.Tags, func(i, j int) bool { return row.Tags[i].Key < row.Tags[j].Key })
	return row
}

// groupRow is one protection group: the servers that carry its tag.
type groupRow struct {
	Name    string
	Servers int
	Ready   int
}

// serverFilter is the query of the servers page.
type serverFilter struct {
	Query string // substring of hostname, ID or a tag
	Group string // a group name, "-" for unassigned
	State string // replication state
	Ready string // "yes", "no" or ""
}

func (f serverFilter) match(s serverRow) bool {
	if q := strings.ToLower(f.Query); q != "" {
		hit := strings.Contains(strings.ToLower(s.Hostname), q) || strings.Contains(strings.ToLower(s.ID), q)
		for _, t := range s.Tags {
			hit = hit || strings.Contains(strings.ToLower(t.Key+"="+t.Value), q)
		}
		if !hit {
			return false
		}
	}
	switch {
	case f.Group == "-" && s.Group != "":
		return false
	case f.Group != "" && f.Group != "-" && s.Group != f.Group:
		return false
	case f.State != "" && s.Replication != f.State:
		return false
	case f.Ready == "yes" && !s.Ready, f.Ready == "no" && s.Ready:
		return false
	}
	return true
}

// maxServersShown bounds the table; the filter narrows it.
const maxServersShown = 500

type serversData struct {
	base
	Filter   serverFilter
	Groups   []groupRow
	States   []string
	Rows     []serverRow
	Total    int // servers in the estate
	Matching int // servers the filter matches
	Error    string
}

func (d *Dashboard) serversPage(w http.ResponseWriter, r *http.Request) {
	est, err := d.estateFromQuery(r)
	if err != nil {
		d.errorPage(w, r, http.StatusBadRequest, "Bad account or region", err.Error())
		return
	}
	q := r.URL.Query()
	data := serversData{base: d.base("Groups and servers", est),
		Filter: serverFilter{Query: strings.TrimSpace(q.Get("q")), Group: q.Get("group"), State: q.Get("state"), Ready: q.Get("ready")}}
	data.Section = "servers"
	all, err := drsapi.ListSourceServers(r.Context(), d.clients(est).DRS, nil)
	if err != nil {
		data.Error = "Could not list the DRS source servers (DescribeSourceServers): " + err.Error()
	}
	groups := map[string]*groupRow{}
	states := map[string]bool{}
	for _, s := range all {
		row := newServerRow(s)
		data.Total++
		if row.Group != "" {
			g := groups[row.Group]
			if g == nil {
				g = &groupRow{Name: row.Group}
				groups[row.Group] = g
			}
			g.Servers++
			if row.Ready {
				g.Ready++
			}
		}
		if row.Replication != "" {
			states[row.Replication] = true
		}
		if data.Filter.match(row) {
			data.Matching++
			if len(data.Rows) < maxServersShown {
				data.Rows = append(data.Rows, row)
			}
		}
	}
	for _, g := range groups {
		data.Groups = append(data.Groups, *g)
	}
	sort.Slice(data.Groups, func(i, j int) bool { return data.Groups[i].Name < data.Groups[j].Name })
	for s := range states {
		data.States = append(data.States, s)
	}
	sort.Strings(data.States)
	sort.SliceStable(data.Rows, func(i, j int) bool { return data.Rows[i].Hostname < data.Rows[j].Hostname })
	d.render(w, http.StatusOK, "servers", "layout", data)
}

// serversByID reads the given source servers (DescribeSourceServers with
// an ID filter), for hostnames beside IDs. Failures leave the map short:
// the IDs still show.
func serversByID(ctx context.Context, api *drs.Client, ids []string) map[string]serverRow {
	if len(ids) == 0 {
		return map[string]serverRow{}
	}
	servers, _ := drsapi.ListSourceServers(ctx, api, ids)
	return rowsByID(servers)
}

// rowsByID is servers' rows by source server ID.
func rowsByID(servers []drstypes.SourceServer) map[string]serverRow {
	out := make(map[string]serverRow, len(servers))
	for _, s := range servers {
		row := newServerRow(s)
		out[row.ID] = row
	}
	return out
}

// isoDuration matches the ISO 8601 durations DRS reports lag in (PT5S,
// PT1H2M3S, P1DT2H).
var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// readableLag turns DRS's lag (PT1M5S) into 1m 05s; anything else is shown
// as DRS sent it.
func readableLag(iso string) string {
	m := isoDuration.FindStringSubmatch(iso)
	if m == nil || iso == "P" || iso == "PT" {
		return iso
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			f, _ := strconv.ParseFloat(m[i+1], 64)
			d += time.Duration(f * float64(unit))
		}
	}
	return formatDuration(d)
}
