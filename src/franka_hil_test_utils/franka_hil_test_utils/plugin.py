# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
The pytest plugin of the workspace: settings, shared fixtures and the test tiers.

pytest loads it through its `pytest11` entry point, before any conftest and test module, so
every package's tests get it, run together or alone (`pytest src/franka_hil_teleop`).

The environment is set at import, before any node or DDS participant starts: discovery never
leaves loopback, each pytest run (each pytest-xdist worker) gets its own DDS domain (parallel
runs on one machine do not see each other), MuJoCo renders headless and numpy's BLAS runs one
thread a process.

Tiers: a test is marked by what it needs, from the fixtures it uses (directly or through other
fixtures), never by hand; `--fast` deselects every test that needs a process, a graph, a
display or a browser. A test that needs only a venv other than the workspace's (`outside_venv`:
SB3's, LeRobot's) stays in it: there it runs, elsewhere it skips with the reason, and
`-m "not outside_venv"` leaves it out. A test that starts a process without a `process`
fixture, or a DDS participant without any of those fixtures, fails (see `_Guard`): the fast
tier stays what it says, and `-m process` finds every test that starts one.
"""

import contextlib
import fcntl
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from franka_hil_test_utils.fork_server import ForkServer
import pytest

# Domains 1..100 (each one's ports are free on Linux: 7400 + 250 * id + ...).
DOMAINS = range(1, 101)


def take_domain():
    """
    Give a DDS domain no other test process on this machine holds, and the lock that holds it.

    Each process that runs tests (pytest, or each pytest-xdist worker) locks a file per domain
    (flock: released when the process ends, however it ends), starting from one its pid picks;
    the lock is a descriptor to keep open (None: every domain taken, one shared as the pid
    picks it). Processes of an older plugin, which only picked by pid, are not seen.
    """
    start = os.getpid() % len(DOMAINS)
    for k in range(len(DOMAINS)):
        domain = DOMAINS[(start + k) % len(DOMAINS)]
        path = Path(tempfile.gettempdir()) / f'franka_hil_test_domain_{domain}.lock'
        try:
            handle = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError:  # another user's
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            continue
        return domain, handle
    return DOMAINS[start], None


os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
# A domain set outside pytest is kept, except in a pytest-xdist worker (which inherits its
# controller's): each worker starts graphs of its own, under the same names as the others'.
_domain_lock = None  # held (never closed) for the life of this process: its domain is taken
if os.environ.get('PYTEST_XDIST_WORKER') or 'ROS_DOMAIN_ID' not in os.environ:
    _domain, _domain_lock = take_domain()
    os.environ['ROS_DOMAIN_ID'] = str(_domain)
if not os.environ.get('DISPLAY'):
    os.environ.setdefault('MUJOCO_GL', 'egl')
os.environ.setdefault('PYTHONUNBUFFERED', '1')
# One BLAS thread a process (numpy's OpenBLAS, here and in the nodes the tests start): two
# workers on two cores, each process's BLAS threads spinning for a core the other holds made
# small matrix products ~10x slower (the pixel encoder's head: 37 s against 3.8 s, load ~6).
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
# Nodes start forked from a process that has imported what they import (fork_server: a fifth
# of the suite's CPU went to imports); FRANKA_HIL_TEST_FORK=0 starts each with subprocess.
_forks = ForkServer() if os.environ.get('FRANKA_HIL_TEST_FORK', '1') != '0' else None

# What a fixture needs, as markers. A test gets the markers of every fixture it uses, directly
# or through other fixtures (item.fixturenames is that closure).
NEEDS = {
    'start_process': ('process',),
    'run_process': ('process',),
    'tmux': ('process', 'terminal'),
    'x_display': ('process', 'display'),
    'ros_node': ('graph',),
    'chromium': ('process', 'browser'),
    'ros_env': ('graph', 'process'),
    'sb3_venv': ('outside_venv',),
    'lerobot_venv': ('outside_venv',),
}
MARKERS = {
    'process': 'starts a process (a node, a command, a tool); from its fixtures',
    'graph': 'joins a ROS graph: a DDS participant in this process; from its fixtures',
    'terminal': 'drives a terminal (tmux); from its fixtures',
    'display': 'needs an X display (Xvfb); from its fixtures',
    'browser': 'drives a browser (playwright, Debian chromium); from its fixtures',
    'outside_venv': "needs a venv other than the workspace's (SB3's, LeRobot's), and skips "
    'with the reason where it is absent; from its fixtures',
}
# What --fast leaves out.
NOT_FAST = ('process', 'graph', 'display', 'browser', 'terminal')


def pytest_addoption(parser):
    parser.addoption(
        '--fast',
        action='store_true',
        help='the fast tier: only tests that start no process, no graph (DDS '
        'participant), no display and no browser',
    )


def pytest_configure(config):
    for name, text in MARKERS.items():
        config.addinivalue_line('markers', f'{name}: {text}')
    _Guard.install()


def pytest_unconfigure(config):
    if _forks:
        _forks.stop()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark each test by its fixtures (before -m selects), then keep the fast tier if asked."""
    for item in items:
        needs = {
            marker
            for fixture in getattr(item, 'fixturenames', ())
            for marker in NEEDS.get(fixture, ())
        }
        for marker in sorted(needs):
            item.add_marker(marker)
    group_by_shared_fixtures(items)
    if os.environ.get('PYTEST_XDIST_WORKER'):
        slow_first(items)
    if config.getoption('fast'):
        kept, left_out = [], []
        for item in items:
            (left_out if needs_more_than_python(item) else kept).append(item)
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = kept


def slow_first(items):
    """
    Put the tests marked `slow` first, each kind in its order (in a pytest-xdist worker).

    The scheduler hands out the groups first, then single tests in this order: a long test
    handed out last keeps one worker busy after the other has finished.
    """
    items.sort(key=lambda item: item.get_closest_marker('slow') is None)


def group_by_shared_fixtures(items):
    """
    Mark the tests that share something made once for them all as one `xdist_group`.

    That is a fixture of the tests' own (not pytest's or this plugin's) wider than one test: a
    session's demo recording, a module's graph. Under pytest-xdist's `--dist loadgroup`
    (scripts/test.sh) a group runs on one worker, which then makes such a fixture once, as a
    run in one process does. The browser tests are one group too: one browser at a time (its
    software-rendered page takes a core, and several of them time what it shows), and, as the
    scheduler starts larger groups first, begun early rather than left for the end. Tests
    sharing any of these, directly or through others, are one group.
    """
    parent = {}

    def root(key):
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    shared = {}
    for item in items:
        keys = shared[item] = list(_shared_keys(item))
        for key in keys[1:]:
            parent[root(key)] = root(keys[0])
    for item, keys in shared.items():
        if keys:
            item.add_marker(pytest.mark.xdist_group(root(keys[0])))


@pytest.hookimpl(trylast=True, specname='pytest_collection_modifyitems')
def pytest_collection_modifyitems_groups(config, items):
    """In a pytest-xdist worker under --dist loadgroup, let the scheduler see each group."""
    if os.environ.get('PYTEST_XDIST_WORKER') and getattr(config.option, 'loadgroup', False):
        name_groups(items)


def name_groups(items):
    """
    End the node id of each test in an `xdist_group` with `@` and the group, as xdist does.

    The controller schedules by node id alone: `--dist loadgroup` sends the tests whose ids end
    in the same `@group` to one worker. pytest-xdist 3.8 names them by setting `item._nodeid`,
    which pytest 9.2 no longer reads (a node's id is `item._id`, a NodeId): the groups were
    lost and every test was spread on its own (a module's fixture made on each worker, two
    browsers at once). A test whose id already ends so is left as it is.
    """
    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get('name', 'default'))
            for mark in item.iter_markers('xdist_group')
        }
        suffix = f'@{"_".join(sorted(groups))}'
        if not groups or item.nodeid.endswith(suffix):
            continue
        item._id = type(item._id).parse(item.nodeid + suffix)


def _shared_keys(item):
    """Yield a key per fixture of the tests' own wider than a test that it uses, and browser."""
    if item.get_closest_marker('browser'):
        yield 'browser'
    info = getattr(item, '_fixtureinfo', None)
    for name in getattr(item, 'fixturenames', ()):
        fixtures = info.name2fixturedefs.get(name) if info else None
        if not fixtures or not fixtures[-1].baseid or fixtures[-1].scope == 'function':
            continue
        if fixtures[-1].scope == 'session':
            yield f'{fixtures[-1].baseid}::{name}'
        else:  # module (or class, package): the module's tests
            yield item.nodeid.split('::')[0]


def needs_more_than_python(item):
    """Tell whether a test is out of the fast tier (it has one of the NOT_FAST markers)."""
    return any(item.get_closest_marker(name) for name in NOT_FAST)


class _Guard:
    """
    Fail a test that starts a process or a DDS participant without saying so by a fixture.

    A process needs a fixture marking `process`; a DDS participant any fixture that takes the
    test out of the fast tier (a test that starts nodes usually has a client of its own too).

    Processes are seen through Python's audit hooks (every subprocess, spawn, exec, pty fork
    and system call of this interpreter) and multiprocessing's spawn; DDS participants through
    rclpy's Context.init. A breach is refused where it happens (the test fails with this
    explanation) and reported again after the test, in case a library caught the error.

    A bare fork is let through: a copy of this interpreter that runs no other program and has
    no node (flake8 checks files in forked workers); an exec in it is refused there.
    """

    EVENTS = (
        'subprocess.Popen',
        'os.forkpty',
        'os.posix_spawn',
        'os.system',
        'os.exec',
        'os.spawn',
    )
    item = None  # the test running now, if it may start no process
    unmarked = False  # whether it may not join a graph either
    breaches = {}  # test id: what it started
    installed = False

    @classmethod
    def install(cls):
        if cls.installed:
            return
        cls.installed = True
        sys.addaudithook(cls._audit)
        import multiprocessing.util

        spawn = multiprocessing.util.spawnv_passfds

        def guarded_spawn(path, args, passfds):
            if cls.item is not None:
                cls._refuse(f'started a process (multiprocessing {path})', 'process')
            return spawn(path, args, passfds)

        multiprocessing.util.spawnv_passfds = guarded_spawn

    @classmethod
    def _audit(cls, event, args):
        if cls.item is not None and event in cls.EVENTS:
            cls._refuse(f'started a process ({event} {args[:2]!r})', 'process')

    @classmethod
    def _refuse(cls, what, marker):
        item, cls.item = cls.item, None  # the report itself must not trip the guard
        fixtures = sorted(name for name, needs in NEEDS.items() if marker in needs)
        message = (
            f'{item.nodeid} {what} but uses no fixture marking it `{marker}` '
            f'({", ".join(fixtures)}): use one, so the test is marked what it needs'
        )
        cls.breaches.setdefault(item.nodeid, []).append(message)
        cls.item = item
        raise RuntimeError(message)

    @classmethod
    @contextlib.contextmanager
    def paused(cls):
        """Let a library's import start what it probes with (torch runs `ldconfig -p`)."""
        item, cls.item = cls.item, None
        try:
            yield
        finally:
            cls.item = item

    @classmethod
    def watch_rclpy(cls):
        """Refuse rclpy contexts (DDS participants) in unmarked tests, once rclpy is loaded."""
        context = sys.modules.get('rclpy.context')
        if context is None or getattr(context.Context.init, '_franka_hil_guard', False):
            return
        init = context.Context.init

        def guarded_init(self, *args, **kwargs):
            if cls.item is not None and cls.unmarked:
                cls._refuse('started an rclpy context (a DDS participant)', 'graph')
            return init(self, *args, **kwargs)

        guarded_init._franka_hil_guard = True
        context.Context.init = guarded_init


def pytest_collection_finish(session):
    """Load rclpy's contexts now if a test that may not join a graph is to run, to watch them."""
    if any(not needs_more_than_python(item) for item in session.items):
        try:
            import rclpy.context  # noqa: F401
        except ImportError:
            pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _Guard.watch_rclpy()
    _Guard.breaches.pop(item.nodeid, None)
    # (the previous one is the outer test's where a test runs pytest in-process: pytester)
    previous = _Guard.item, _Guard.unmarked
    _Guard.item = None if item.get_closest_marker('process') else item
    _Guard.unmarked = not needs_more_than_python(item)
    try:
        return (yield)
    finally:
        _Guard.item, _Guard.unmarked = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _Guard.watch_rclpy()
    result = yield
    if _Guard.breaches.get(item.nodeid):
        pytest.fail('\n'.join(_Guard.breaches[item.nodeid]), pytrace=False)
    return result


class NodeProcess:
    """A node started as a separate process, its output kept in a file for failure reports."""

    def __init__(self, args, log_path, env=None):
        self.log_path = log_path
        self._log = open(log_path, 'w+b')
        self.proc = _forks.start(args, self._log.fileno(), env) if _forks else None
        if self.proc is None:
            self.proc = subprocess.Popen(
                args,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    def output(self):
        """Everything the process printed so far."""
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, 'rb') as log:
            return log.read().decode(errors='replace')

    def wait_for_output(self, text, timeout=20.0):
        """Wait until the process prints `text`; fail early if it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            f'{text!r} not printed within {timeout} s '
            f'(exit code {self.proc.poll()}):\n{self.output()}'
        )

    def halted(self):
        """Tell whether a SIGSTOP took effect: every thread of the process is stopped."""
        tasks = Path(f'/proc/{self.proc.pid}/task').iterdir()
        return all(
            t.joinpath('stat').read_text().rsplit(')', 1)[1].split()[0] == 'T' for t in tasks
        )

    def cpu_seconds(self):
        """CPU time (user + system) of the process and every process below it, from /proc."""
        children, ticks = {}, {}
        for entry in Path('/proc').iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / 'stat').read_text().rsplit(')', 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
        total, todo = 0, [self.proc.pid]
        while todo:
            current = todo.pop()
            total += ticks.get(current, 0)
            todo += children.get(current, [])
        return total / os.sysconf('SC_CLK_TCK')

    def stop(self, sig=signal.SIGINT, timeout=10.0):
        """Signal the process and wait for it; kill it if it does not exit in time."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def start_process(tmp_path, request):
    """
    Start node processes for a test, given their command lines.

    They are stopped after the test and their output is printed when the test fails.
    """
    started = []

    def start(args, name=None, env=None):
        name = name or os.path.basename(str(args[1] if args[0] == sys.executable else args[0]))
        proc = NodeProcess(args, tmp_path / f'{name}.{len(started)}.log', env=env)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
        print(f'----- output of {proc.log_path.name} -----\n{proc.output()}')


@pytest.fixture(scope='session')
def run_process():
    """
    Give subprocess.run, for a test (or a module's fixture) that runs a command to its end.

    Through this fixture the test is marked `process` and leaves the fast tier. What this python
    runs, in the worker's environment and directory, is forked (fork_server).
    """

    def run(args, **kwargs):
        done = _forks.run(args, **kwargs) if _forks else None
        return subprocess.run(args, **kwargs) if done is None else done

    return run


@pytest.fixture
def require_tool():
    """Give a function returning an external tool's path, failing (never skipping) if absent."""

    def find(name):
        path = shutil.which(name)
        if path is None:
            pytest.fail(
                f'{name} is not installed; `bash scripts/setup.sh` installs it '
                f'(Debian package {"xvfb" if name == "Xvfb" else name})'
            )
        return path

    return find


@pytest.fixture
def tmux(require_tool):
    """Give a tmux runner on a server of this test's own (its own socket name)."""
    require_tool('tmux')
    socket_name = f'franka_hil_test_{os.getpid()}_{time.monotonic_ns()}'

    def run(*args, check=True):
        return subprocess.run(
            ['tmux', '-L', socket_name, '-f', '/dev/null', *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=10,
        )

    yield run
    run('kill-server', check=False)


@pytest.fixture
def chromium():
    """Give the path of Debian's chromium, for playwright; skip where it is not installed."""
    for name in ('chromium', 'chromium-browser'):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip('chromium is not installed (`bash scripts/setup.sh` installs Debian chromium)')


@pytest.fixture
def sb3_venv():
    """Skip, with the reason, unless this runs in the SB3 venv (Stable-Baselines3 importable)."""
    with _Guard.paused():
        pytest.importorskip(
            'stable_baselines3',
            reason='Stable-Baselines3 is not installed here: run `bash scripts/sb3_venv.sh`, '
            'then `.venv-sb3/bin/python -m pytest test/test_sb3_*.py`',
        )


@pytest.fixture
def lerobot_venv(request):
    """
    Give LeRobot's venv (LEROBOT_VENV, default .venv-lerobot in the workspace).

    Skip, with the reason, where it has not been made: making it (a few GB) is the opt-in.
    """
    venv = Path(os.environ.get('LEROBOT_VENV') or request.config.rootpath / '.venv-lerobot')
    if not (venv / '.franka_hil_lerobot').is_file():
        pytest.skip(
            f'LeRobot venv not present ({venv}): run `bash scripts/check_lerobot.sh` to make it '
            '(and run this check)'
        )
    return venv


@pytest.fixture
def ros_env():
    """
    Give a function that makes a graph-backed env: `make(gym.make, env_id, **kwargs)`.

    The env joins the ROS graph from this process, and starts a graph with launch=True: through
    this fixture the test is marked so. Envs the test leaves open are closed after it.
    """
    made = []

    def make(factory, *args, **kwargs):
        env = factory(*args, **kwargs)
        made.append(env)
        return env

    yield make
    for env in reversed(made):
        env.close()


@pytest.fixture
def free_ports():
    """Give a helper returning `count` TCP ports of 127.0.0.1 the system has just found free."""

    def find(count):
        sockets = [socket.socket() for _ in range(count)]
        for sock in sockets:
            sock.bind(('127.0.0.1', 0))
        ports = [sock.getsockname()[1] for sock in sockets]
        for sock in sockets:
            sock.close()
        return ports

    return find


@pytest.fixture
def x_display(require_tool):
    """Start Xvfb on a display number it picks itself; give its DISPLAY string."""
    for tool in ('Xvfb', 'xdotool'):
        require_tool(tool)
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ['Xvfb', '-displayfd', str(write_fd), '-nolisten', 'tcp', '-screen', '0', '1024x768x24'],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        pytest.fail(f'Xvfb did not start (exit code {proc.wait()})')
    yield f':{number}'
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def ros_node():
    """Give the test an rclpy node in a context of its own, to talk to the processes it starts."""
    import rclpy

    context = rclpy.Context()
    rclpy.init(context=context)
    node = rclpy.create_node(f'test_client_{os.getpid()}', context=context)
    executor = rclpy.executors.SingleThreadedExecutor(context=context)
    executor.add_node(node)
    node.executor_for_test = executor
    yield node
    executor.shutdown()
    node.destroy_node()
    rclpy.shutdown(context=context)


def spin_until(node, predicate, timeout=10.0, what='condition'):
    """Spin the test node until `predicate()` is true; fail with `what` (text or callable)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        node.executor_for_test.spin_once(timeout_sec=0.05)
    raise AssertionError(
        f'timed out after {timeout} s waiting for {what() if callable(what) else what}'
    )


@pytest.fixture
def spin():
    """Give the helper that spins a test node until a predicate holds, or fails after a timeout."""
    return spin_until
