from critic.cli import cli

cli()
