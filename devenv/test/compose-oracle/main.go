// compose-oracle loads Compose files with compose-go, the library Docker Compose itself uses, and
// prints the project as JSON: the reference devenv's loader is compared against in
// devenv/src/model/compose-go.differential.test.ts and bench/compose-load.ts.
//
// One file:  compose-oracle [-f FILE]... [-p NAME] [--profile P]... [--env-file F]... [--project-directory DIR]
//
//	prints the project, or the error on stderr with exit status 1.
//
// Batch:     compose-oracle --batch reads one JSON request per line on stdin (see request) and
//
//	answers one JSON line each, so a whole corpus costs one process.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
)

// The docker compose CLI, not compose-go, registers env_file's `format: raw`: docker run
// --env-file's parser (docker/cli pkg/kvfile). The same rules here, so the oracle loads what
// docker compose loads.
func init() {
	dotenv.RegisterFormat("raw", parseRawEnvFile)
}

func parseRawEnvFile(r io.Reader, filename string, vars map[string]string, lookup func(string) (string, bool)) error {
	scanner := bufio.NewScanner(r)
	for lineNumber := 1; scanner.Scan(); lineNumber++ {
		scanned := scanner.Bytes()
		if !utf8.Valid(scanned) {
			return fmt.Errorf("failed to parse env_file %s: invalid UTF-8 on line %d", filename, lineNumber)
		}
		if lineNumber == 1 {
			scanned = bytes.TrimPrefix(scanned, []byte{0xEF, 0xBB, 0xBF})
		}
		// Leading whitespace goes; trailing whitespace is part of the value.
		line := strings.TrimLeftFunc(string(scanned), unicode.IsSpace)
		if line == "" || line[0] == '#' {
			continue
		}
		key, value, hasValue := strings.Cut(line, "=")
		if key == "" {
			return fmt.Errorf("failed to parse env_file %s: no variable name on line '%s'", filename, line)
		}
		if strings.ContainsAny(key, " \t") {
			return fmt.Errorf("failed to parse env_file %s: variable '%s' contains whitespaces", filename, key)
		}
		if hasValue {
			vars[key] = value
		} else if found, ok := lookup(key); ok {
			vars[key] = found
		}
	}
	return scanner.Err()
}

type request struct {
	Files       []string          `json:"files"`
	WorkingDir  string            `json:"workingDir,omitempty"`
	Env         map[string]string `json:"env,omitempty"`
	EnvFiles    []string          `json:"envFiles,omitempty"`
	Profiles    []string          `json:"profiles,omitempty"`
	ProjectName string            `json:"projectName,omitempty"`
	// Repeat > 0 loads the project that many times and reports each load's duration (benchmarks).
	Repeat int `json:"repeat,omitempty"`
}

type response struct {
	OK      bool           `json:"ok"`
	Project *types.Project `json:"project,omitempty"`
	Error   string         `json:"error,omitempty"`
	// Per load with Repeat: wall-clock time, and the process's CPU time (user + system, all
	// threads), which a busy machine inflates far less.
	Nanos    []int64 `json:"nanos,omitempty"`
	CPUNanos []int64 `json:"cpuNanos,omitempty"`
}

// load does what `docker compose config` does with the same flags: .env (or --env-file) for
// interpolation, COMPOSE_PROFILES when no --profile is given, paths resolved, env_file folded into
// environment.
func load(req request) (*types.Project, error) {
	env := make([]string, 0, len(req.Env))
	for k, v := range req.Env {
		env = append(env, k+"="+v)
	}
	options, err := cli.NewProjectOptions(req.Files,
		cli.WithWorkingDirectory(req.WorkingDir),
		cli.WithEnv(env),
		cli.WithEnvFiles(req.EnvFiles...),
		cli.WithDotEnv,
		cli.WithName(req.ProjectName),
		cli.WithDefaultProfiles(req.Profiles...),
		cli.WithResolvedPaths(true),
		cli.WithDiscardEnvFile,
	)
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

func answer(req request) response {
	if req.Repeat > 0 {
		res := response{OK: true}
		for i := 0; i < req.Repeat; i++ {
			started, cpuStarted := time.Now(), cpuTime()
			if _, err := load(req); err != nil {
				return response{Error: err.Error()}
			}
			res.Nanos = append(res.Nanos, time.Since(started).Nanoseconds())
			res.CPUNanos = append(res.CPUNanos, cpuTime()-cpuStarted)
		}
		return res
	}
	project, err := load(req)
	if err != nil {
		return response{Error: err.Error()}
	}
	return response{OK: true, Project: project}
}

func cpuTime() int64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return usage.Utime.Nano() + usage.Stime.Nano()
}

func batch() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		var req request
		res := response{}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			res.Error = "bad request: " + err.Error()
		} else {
			res = answer(req)
		}
		raw, err := json.Marshal(res)
		if err != nil {
			// compose-go cannot print every project it loads (an ssh entry without a path, say):
			// one such file must not end the batch.
			raw, _ = json.Marshal(response{Error: "compose-go loads it but cannot print it as JSON: " + err.Error()})
		}
		if _, err := os.Stdout.Write(append(raw, '\n')); err != nil {
			fmt.Fprintln(os.Stderr, "compose-oracle:", err)
			os.Exit(1)
		}
	}
}

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func main() {
	var files, profiles, envFiles repeated
	var req request
	isBatch := flag.Bool("batch", false, "read JSON requests on stdin, one per line")
	flag.Var(&files, "f", "compose file (repeatable)")
	flag.Var(&profiles, "profile", "profile to enable (repeatable)")
	flag.Var(&envFiles, "env-file", "env file (repeatable)")
	flag.StringVar(&req.ProjectName, "p", "", "project name")
	flag.StringVar(&req.WorkingDir, "project-directory", "", "project directory")
	flag.Parse()
	if *isBatch {
		batch()
		return
	}
	req.Files, req.Profiles, req.EnvFiles = files, profiles, envFiles
	req.Env = map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			req.Env[k] = v
		}
	}
	res := answer(req)
	if !res.OK {
		fmt.Fprintln(os.Stderr, res.Error)
		os.Exit(1)
	}
	raw, err := json.MarshalIndent(res.Project, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-oracle:", err)
		os.Exit(1)
	}
	fmt.Println(string(raw))
}
