/**
 * The warm spawner in Python, the cheaper of the two (the other: exec-spawner-perl.ts, whose
 * comment says what a warm spawner is for and does; this one speaks the same lines and keeps
 * the same rules). It starts probes with posix_spawn, which glibc does with vfork: neither the
 * spawner's page tables are copied nor its pages faulted in by the child, so a probe costs
 * little more than its own exec (~0.75 ms of CPU against ~1.3 ms with Perl's fork), and the
 * spawner ~0.15 ms for each (posix_spawn's vfork, the reaping, a line each way). Python
 * ignores SIGPIPE and SIGXFSZ; the probe gets them back at their defaults. Run with `-I -S`: no
 * site packages, no PYTHON* variables, a few milliseconds to start.
 */
export const PYTHON_SPAWNER = String.raw`
import os, select, signal, time
from binascii import a2b_base64, b2a_base64

TAIL = 4096
jobs = {}
wake_in, wake_out = os.pipe()
os.set_blocking(wake_out, False)
signal.set_wakeup_fd(wake_out)
signal.signal(signal.SIGCHLD, lambda *_: None)
devnull = os.open('/dev/null', os.O_RDONLY)
defaults = [signal.SIGPIPE, signal.SIGXFSZ]
tmp = os.environ.get('TMPDIR') or '/tmp'
# A plain dict: posix_spawn reads os.environ through its Python-level mapping, a call per variable.
environ = dict(os.environ)

def b64(data): return b2a_base64(data, newline=False).decode()
def text(field): return a2b_base64(field).decode('utf-8', 'surrogateescape')

# Sent together before the spawner next waits: the probes that ended at once, one write.
replies = []

def answer(*fields):
    replies.append('done ' + ' '.join(str(f) for f in fields) + '\n')

def send():
    data = ''.join(replies).encode()
    replies.clear()
    try:
        while data: data = data[os.write(1, data):]
    except OSError:
        stop_all()

def kill_group(pid):
    try: os.killpg(pid, signal.SIGKILL)
    except OSError: pass

def stop_all():
    for pid in jobs: kill_group(pid)
    os._exit(0)

# In memory where the kernel allows (a file in TMPDIR costs a disk inode per probe); a probe's
# output lives only until its answer, and its timeout bounds how much it can write.
def anonymous_file():
    try: return os.memfd_create('devenv-probe')
    except (OSError, AttributeError): pass
    try: return os.open(tmp, os.O_TMPFILE | os.O_RDWR, 0o600)
    except (OSError, AttributeError): pass
    path = os.path.join(tmp, 'devenv-probe-' + os.urandom(6).hex())
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    os.unlink(path)
    return fd

def run(id, timeout, cwd, count, *rest):
    count = int(count)
    env = environ
    if count:
        env = dict(environ)
        for pair in rest[:count]:
            name, _, value = text(pair).partition('=')
            env[name] = value
    argv = [text(word) for word in rest[count:]]
    try: out = anonymous_file()
    except OSError as error:
        return answer(id, 'error', 0, b64(('no file for its output: ' + error.strerror).encode()))
    try:
        directory = text(cwd)
        os.chdir(directory)
    except OSError as error:
        os.close(out)
        message = 'cannot enter %s: %s\n' % (directory, error.strerror)
        return answer(id, 'exit', 127, b64(message.encode()))
    try:
        streams = [(os.POSIX_SPAWN_DUP2, fd, to) for fd, to in ((devnull, 0), (out, 1), (out, 2))]
        pid = os.posix_spawnp(argv[0], argv, env, setpgroup=0, setsigdef=defaults,
                              file_actions=streams)
    except OSError as error:
        os.close(out)
        return answer(id, 'exit', 127, b64(('%s: %s\n' % (argv[0], error.strerror)).encode()))
    jobs[pid] = [id, out, time.monotonic() + int(timeout) / 1000, False]

def reap():
    while jobs:
        try: pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError: return
        if pid == 0: return
        job = jobs.pop(pid, None)
        if job is None: continue
        kill_group(pid)
        id, out, _, answered = job
        if not answered:
            output = b''
            if status != 0:
                size = os.fstat(out).st_size
                output = os.pread(out, TAIL, max(0, size - TAIL))
            if os.WIFSIGNALED(status): answer(id, 'signal', os.WTERMSIG(status), b64(output))
            else: answer(id, 'exit', os.WEXITSTATUS(status), b64(output))
        os.close(out)

def expire():
    now = time.monotonic()
    soonest = None
    for pid, job in jobs.items():
        if job[3]: continue
        if job[2] <= now:
            kill_group(pid)
            job[3] = True
            answer(job[0], 'timeout', 0, '')
        elif soonest is None or job[2] < soonest:
            soonest = job[2]
    return None if soonest is None else soonest - now

buffered = b''
while True:
    reap()
    timeout = expire()
    if replies: send()
    ready = select.select([0, wake_in], [], [], timeout)[0]
    if wake_in in ready: os.read(wake_in, 4096)
    if 0 in ready:
        chunk = os.read(0, 65536)
        if not chunk: stop_all()
        *lines, buffered = (buffered + chunk).split(b'\n')
        for line in lines:
            verb, *fields = line.decode().split(' ')
            if verb == 'run': run(*fields)
`;
