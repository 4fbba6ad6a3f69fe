"""The `scoreminer` command: parse, call the library, render, map errors to exit codes."""

from __future__ import annotations

import sys
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from scoreminer.commands import (
    actions,
    audit,
    bench,
    chain,
    challenge,
    chute,
    demo,
    deploy,
    doctor,
    evaluate,
    keys,
    serve,
    video,
)
from scoreminer.commands.common import CliState, err_console
from scoreminer.errors import ScoreminerError, UsageError
from scoreminer.settings import check_keys, find_env_file

GLOBAL_OPTIONS = ("--set", "--env-file")
EXIT_CODES = {
    0: "success",
    1: "a check or the command failed",
    2: "the command line is wrong",
    3: "serve refused to start",
}


class _Group(TyperGroup):
    """Accepts the global options after the command too; turns a ScoreminerError into one red line and its exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer hands its vendored click Context
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ScoreminerError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None


def hoist_global_options(args: list[str]) -> list[str]:
    """Move `--set K=V` / `--env-file P` given after the command name in front of it (one option, any place)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        elif name in GLOBAL_OPTIONS and i + 1 < len(args):
            front += [arg, args[i + 1]]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


app = typer.Typer(
    cls=_Group,
    help="Run and tune a Score Vision (subnet 44) miner.",
    epilog="Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items()) + ".",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: switches shown as switches, not `<bool>`
)


def _parse_sets(values: list[str]) -> dict[str, str]:
    pairs = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r} is not KEY=VALUE", "write e.g. --set FRAME_STRIDE=2")
        pairs[key.strip().lower()] = value
    check_keys(pairs, "--set")
    return pairs


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"scoreminer {package_version('scoreminer')}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    ctx: typer.Context,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", help="The .env to use (else $SCOREMINER_ENV_FILE, else .env in cwd or a parent)."),
    ] = None,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Override a setting for this run (repeatable; before or after the command).",
        ),
    ] = [],
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Run and tune a Score Vision (subnet 44) miner.

    Exit codes: 0 success, 1 a check or the command failed, 2 the command line is wrong, 3 serve refused to start.
    """
    try:
        sets = _parse_sets(set_)
        if env_file is not None:
            find_env_file(env_file)  # a named .env that is not there is a wrong command line, for every command
    except UsageError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    ctx.obj = CliState(env_file=env_file, sets=sets)


app.command("check-env")(doctor.check_env)
app.command("doctor", help="Alias of check-env.")(doctor.check_env)
app.command("sync-metagraph")(chain.sync_metagraph_cmd)
app.command("process-video")(video.process_video_cmd)
app.command("score")(video.score_cmd)
app.command("evaluate")(evaluate.evaluate_cmd)
app.command("serve")(serve.serve_cmd)
app.command("pm2")(serve.pm2_cmd)
app.command("challenge")(challenge.challenge_cmd)
app.command("benchmark")(bench.benchmark_cmd)
app.command("bench", help="Alias of benchmark.")(bench.benchmark_cmd)
app.command("docker")(deploy.docker_cmd)
app.add_typer(keys.hotkey_app, name="hotkey")
app.add_typer(demo.demo_app, name="demo")
app.add_typer(chute.chute_app, name="chute")
app.add_typer(actions.actions_app, name="actions")
app.add_typer(audit.audit_app, name="audit")
app.command("elements")(chute.elements_cmd)


def main() -> None:
    """Console-script entry point."""
    from scoreminer.inference.allocator import keep_freed_memory

    keep_freed_memory()  # before any thread exists: every thread then shares the one arena
    sys.exit(app())
