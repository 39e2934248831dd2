"""The `kabar` command: a thin layer over manage.py for the everyday tasks."""

import argparse
import os
import sys


def _django(settings_module):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def cmd_demo(args):
    """Set the demo site up (idempotent) and serve it with Django's development server."""
    _django("kabar.settings.dev")
    from django.core.management import call_command

    call_command("demo")
    if args.no_serve:
        return
    print(f"Kabar demo: http://{args.addr}/  (admin: http://{args.addr}/admin/)")
    call_command("runserver", args.addr, use_reloader=False)


def cmd_serve(args):
    """Serve Kabar with gunicorn (production settings unless DJANGO_SETTINGS_MODULE is set)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabar.settings.production")
    argv = [
        "gunicorn",
        "kabar.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    os.execvp(sys.executable, [sys.executable, "-m", *argv])  # noqa: S606 - our own argv


def cmd_manage(args):
    _django("kabar.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kabar manage", *args.rest])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kabar", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    demo.add_argument("--addr", default="127.0.0.1:8000")
    demo.add_argument("--no-serve", action="store_true", help="set up only, do not serve")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--bind", default="127.0.0.1:8000")
    serve.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 1))
    serve.set_defaults(func=cmd_serve)

    manage = sub.add_parser("manage", help="run any manage.py command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
