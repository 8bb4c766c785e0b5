package runservice

import (
	"fmt"
	"net"
	"strings"
)

// HostAllowlist is the set of Host header values the run service answers.
// A web page that rebinds its own DNS name to the run service's address
// (DNS rebinding) sends its own name as Host; refusing unknown names stops
// it from reading or steering anything, the dashboard included.
//
// Allowed: IP literals of the loopback range, "localhost" and its
// subdomains (browsers resolve them to loopback themselves), the host of
// the listen address, every address of this machine when listening on
// all interfaces (an IP literal cannot be rebound), and the names given
// with --allowed-host. Ports are not compared: a rebinding page uses the
// service's own port.
type HostAllowlist struct {
	names map[string]bool
	ips   map[string]bool
}

// NewHostAllowlist builds the allowlist for a listen address (empty: an
// in-process or test listener on loopback) and extra host names.
func NewHostAllowlist(listen string, extra []string) (*HostAllowlist, error) {
	a := &HostAllowlist{names: map[string]bool{}, ips: map[string]bool{}}
	for _, h := range extra {
		name := hostOnly(strings.TrimSpace(h))
		if name == "" || strings.ContainsAny(name, "/ \t") {
			return nil, fmt.Errorf("--allowed-host %q: give a host name or IP address, such as drsorch.internal", h)
		}
		a.add(name)
	}
	if listen == "" {
		return a, nil
	}
	host := hostOnly(listen)
	ip := net.ParseIP(host)
	if host != "" && (ip == nil || !ip.IsUnspecified()) {
		a.add(host)
		return a, nil
	}
	// All interfaces: any of this machine's addresses.
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list this machine's addresses for the Host allowlist: %w", err)
	}
	for _, addr := range addrs {
		if n, ok := addr.(*net.IPNet); ok {
			a.ips[n.IP.String()] = true
		}
	}
	return a, nil
}

func (a *HostAllowlist) add(name string) {
	if ip := net.ParseIP(name); ip != nil {
		a.ips[ip.String()] = true
		return
	}
	a.names[strings.ToLower(strings.TrimSuffix(name, "."))] = true
}

// Allows reports whether a Host header value is allowed.
func (a *HostAllowlist) Allows(hostHeader string) bool {
	host := hostOnly(hostHeader)
	if host == "" {
		return false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || (a != nil && a.ips[ip.String()])
	}
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	return a != nil && a.names[name]
}

// hostOnly strips the port (and IPv6 brackets) from host[:port].
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// IsLoopbackListen reports whether a listen address only accepts
// connections from this machine.
func IsLoopbackListen(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
