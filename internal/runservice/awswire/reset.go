package awswire

import (
	"net"
	"net/http"
)

// ResetConnection drops the client's connection without an answer: the
// client reads a TCP reset, as when a load balancer or the network fails.
// Wrapping writers must offer Unwrap (http.ResponseController).
func ResetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or no hijacking: abort the stream
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // RST rather than FIN
	}
	_ = conn.Close()
}
