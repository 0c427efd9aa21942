// Command registration-client registers a server with a console, and reports its stats and usage,
// through InfluxData's own client library (github.com/influxdb/enterprise-client/v1), to
// check that influx-console speaks the library's protocol. It exits 1 with the library's
// error on stderr when a call fails.
//
// Build: GOPATH=/usr/share/gocode GO111MODULE=off go build -o registration-client main.go
package main

import (
	"flag"
	"fmt"
	"os"

	client "github.com/influxdb/enterprise-client/v1"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:3000", "the console's base URL")
	token := flag.String("token", "", "the X-Authorization token")
	cluster := flag.String("cluster", "1234", "the cluster id")
	server := flag.String("server", "1", "the server id")
	host := flag.String("host", "go-client-host", "the host name")
	httpAddr := flag.String("http-addr", "", "the meta node's HTTP address (stats tag http_addr)")
	flag.Parse()

	c := client.New(*token)
	c.URL = *url

	if _, err := c.Save(client.Server{
		ClusterID: *cluster,
		ServerID:  *server,
		Host:      *host,
		Product:   "influxd-meta",
		Version:   "go-client",
	}); err != nil {
		fmt.Fprintf(os.Stderr, "register server: %v\n", err)
		os.Exit(1)
	}
	if _, err := c.Save(client.Stats{
		Product:   "influxd-meta",
		ClusterID: *cluster,
		ServerID:  *server,
		Data: []client.StatsData{{
			Name: "meta_node",
			Tags: client.Tags{"host": *host, "http_addr": *httpAddr, "scheme": "http", "version": "go-client"},
			Values: client.Values{
				"is_leader": true,
				"term":      3,
				"peers":     1,
			},
		}},
	}); err != nil {
		fmt.Fprintf(os.Stderr, "report stats: %v\n", err)
		os.Exit(1)
	}
	if _, err := c.Save(client.Usage{
		Product: "influxd-meta",
		Data:    []client.UsageData{{Tags: client.Tags{"cluster_id": *cluster}, Values: client.Values{"nodes": 1}}},
	}); err != nil {
		fmt.Fprintf(os.Stderr, "report usage: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("registered")
}
