package runservice_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	drsclient "github.com/aws/aws-sdk-go-v2/service/drs"
	sfnapi "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/drsorch/terraform-provider-drsorch/internal/drsapi"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/runservicetest"
	"github.com/drsorch/terraform-provider-drsorch/internal/runservice/store"
)

// storeClockAhead leaves in dir the simulated clock of an earlier
// --time-scale run: 100 minutes ahead of the wall clock.
func storeClockAhead(t *testing.T, dir string) time.Time {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ahead := time.Now().Add(100 * time.Minute).UTC()
	if err := st.SetSetting(context.Background(), "clock.now", strconv.FormatInt(ahead.UnixNano(), 10)); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return ahead
}

// `serve --drs aws` runs on the wall clock even when the data dir holds a
// simulated clock that an earlier run left ahead of it, and says so; the
// simulator keeps resuming its own clock.
func TestDRSAWSNeverInheritsASimulatedClock(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example")
	t.Setenv("AWS_REGION", "us-east-1")
	dir := t.TempDir()
	ahead := storeClockAhead(t, dir)
	var logs bytes.Buffer
	app, err := runservice.New(runservice.Config{DataDir: dir, DRSMode: runservice.DRSAWS, TimeScale: 1, Credentials: runservicetest.Keys(),
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	got := app.Clock.Now()
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(got); d > time.Minute || d < -time.Minute {
		t.Fatalf("--drs aws started its clock at %s, %s from the wall clock (stored clock %s)", got, d, ahead)
	}
	if !strings.Contains(logs.String(), "not resuming the simulated clock") {
		t.Fatalf("no warning about the stored clock: %s", logs.String())
	}

	dir2 := t.TempDir()
	ahead = storeClockAhead(t, dir2)
	sim, err := runservice.New(runservice.Config{DataDir: dir2, TimeScale: 60, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	if now := sim.Clock.Now(); now.Before(ahead) {
		t.Fatalf("the simulator went back from its stored clock %s to %s", ahead, now)
	}
}

// /metrics reports the clock skew the engine measured against DRS.
func TestClockSkewIsExported(t *testing.T) {
	svc := runservicetest.Start(t, runservice.Config{})
	if err := svc.App.DRS.SetClockOffset(-10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	get := func() string {
		resp, err := http.Get(svc.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "drsorch_drs_clock_skew_seconds ") {
				return strings.TrimPrefix(line, "drsorch_drs_clock_skew_seconds ")
			}
		}
		t.Fatalf("no clock skew metric in\n%s", b)
		return ""
	}
	if v := get(); v != "NaN" {
		t.Fatalf("skew before any job: %s", v)
	}
	ctx := context.Background()
	cfg := svc.AWSConfig("us-east-1")
	sm, err := sfnapi.NewFromConfig(cfg).CreateStateMachine(ctx, &sfnapi.CreateStateMachineInput{Name: aws.String("launch"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/x"),
		Definition: aws.String(`{"StartAt":"L","States":{"L":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:drs:startRecovery",
			"Parameters":{"IsDrill":true,"SourceServers.$":"$.servers"},"End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	servers, err := drsapi.ListSourceServers(ctx, drsclient.NewFromConfig(cfg), nil)
	if err != nil || len(servers) == 0 {
		t.Fatalf("servers: %v", err)
	}
	input := `{"servers":[{"SourceServerID":"` + aws.ToString(servers[0].SourceServerID) + `"}]}`
	if _, err := sfnapi.NewFromConfig(cfg).StartExecution(ctx, &sfnapi.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(input)}); err != nil {
		t.Fatal(err)
	}
	if err := svc.App.SFN.Engine().Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if v := get(); v != "-600" {
		t.Fatalf("skew after a job with DRS 10 minutes behind: %s", v)
	}
}
