/**
 * The warm spawner in Perl (`perl -e`), where the Python one (exec-spawner-python.ts) cannot
 * run: it forks and execs exec probes for devenv. Forking devenv itself copies the page tables
 * of a ~100 MB process and costs ~1.9 ms of CPU per probe; forking this ~6 MB process costs a
 * fraction of it. Perl rather than /bin/sh: dash cannot give a background job a process group
 * of its own without a terminal, and a probe needs one (its leftovers and a timed-out probe are
 * killed as a group). Perl is on every Debian (perl-base is essential) and macOS; where it is
 * not, probes spawn directly (exec-spawner.ts).
 *
 * It reads `run` lines (exec-spawner-protocol.ts) on stdin and answers `done` lines on stdout,
 * one per request, in the order the probes finish: many probes run at once and a slow one
 * holds up no other. Each probe: its own process group, stdin from /dev/null, stdout and stderr
 * into a file with no name whose last 4 KiB are sent back only when it fails, its group killed
 * when it exits (what it left in the background) or its time is up. A SIGCHLD writes to a pipe
 * that select() watches (no race between reaping and waiting). On stdin's end (devenv exited,
 * however it exited) it kills every probe still running and exits; it ignores SIGPIPE for the
 * same reason, and resets it in the probe. Few modules: each one makes every fork dearer.
 */
export const PERL_SPAWNER = String.raw`
use strict;
use MIME::Base64 qw(encode_base64 decode_base64);
use Time::HiRes ();

my $TAIL = 4096;
my %jobs;
my $input = '';
pipe(my $wake_in, my $wake_out) or die "pipe: $!";
$SIG{CHLD} = sub { syswrite $wake_out, 'x' };
$SIG{PIPE} = 'IGNORE';

sub b64 { encode_base64($_[0], '') }

sub stop_all {
  kill 'KILL', -$_ for keys %jobs;
  exit 0;
}

sub answer {
  my $line = join(' ', 'done', @_) . "\n";
  while (length $line) {
    my $n = syswrite STDOUT, $line;
    if (!defined $n) { next if $!{EINTR}; stop_all(); }
    substr($line, 0, $n) = '';
  }
}

sub run {
  my ($id, $timeout, $cwd, $count, @rest) = @_;
  my @env = map { decode_base64($_) } splice(@rest, 0, $count);
  my @argv = map { decode_base64($_) } @rest;
  open(my $out, '+>', undef) or return answer($id, 'error', 0, b64("no file for its output: $!"));
  my $pid = fork;
  return answer($id, 'error', 0, b64("fork: $!")) unless defined $pid;
  if ($pid == 0) {
    setpgrp(0, 0);
    $SIG{PIPE} = 'DEFAULT';
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', $out);
    open(STDERR, '>&', $out);
    $cwd = decode_base64($cwd);
    chdir $cwd or do { print STDERR "cannot enter $cwd: $!\n"; CORE::exit(127) };
    for (@env) { my ($name, $value) = split /=/, $_, 2; $ENV{$name} = $value }
    { no warnings; exec { $argv[0] } @argv; }
    print STDERR "$argv[0]: $!\n";
    CORE::exit(127);
  }
  $jobs{$pid} = { id => $id, out => $out, deadline => Time::HiRes::time() + $timeout / 1000 };
}

sub tail_of {
  my ($out) = @_;
  my $size = -s $out;
  my $text = '';
  sysseek $out, ($size > $TAIL ? $size - $TAIL : 0), 0;
  sysread $out, $text, $TAIL;
  return $text;
}

sub reap {
  while ((my $pid = waitpid(-1, 1)) > 0) {
    my $status = $?;
    my $job = delete $jobs{$pid} or next;
    kill 'KILL', -$pid;
    next if $job->{answered};
    my $output = $status == 0 ? '' : tail_of($job->{out});
    close $job->{out};
    my @how = $status & 127 ? ('signal', $status & 127) : ('exit', $status >> 8);
    answer($job->{id}, @how, b64($output));
  }
}

sub expire {
  my $now = Time::HiRes::time();
  my $next;
  for my $pid (keys %jobs) {
    my $job = $jobs{$pid};
    next if $job->{answered};
    if ($job->{deadline} <= $now) {
      kill 'KILL', -$pid;
      $job->{answered} = 1;
      close $job->{out};
      answer($job->{id}, 'timeout', 0, '');
    } elsif (!defined $next || $job->{deadline} < $next) {
      $next = $job->{deadline};
    }
  }
  return defined $next ? $next - $now : undef;
}

sub read_requests {
  my $n = sysread STDIN, $input, 65536, length $input;
  if (!defined $n) { return if $!{EINTR}; stop_all(); }
  stop_all() if $n == 0;
  while ($input =~ s/\A([^\n]*)\n//) {
    my ($verb, @fields) = split / /, $1, -1;
    run(@fields) if $verb eq 'run';
  }
}

while (1) {
  reap();
  my $wait = expire();
  my $ready = '';
  vec($ready, fileno(STDIN), 1) = 1;
  vec($ready, fileno($wake_in), 1) = 1;
  next if select($ready, undef, undef, $wait) <= 0;
  if (vec($ready, fileno($wake_in), 1)) { my $drained; sysread $wake_in, $drained, 4096 }
  read_requests() if vec($ready, fileno(STDIN), 1);
}
`;
