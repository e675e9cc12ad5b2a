"""Arguments of the commands whose parsers live beside cli/parser.py, one module per
command family. These modules import nothing but argparse helpers and i18n: building the
parser must stay cheap (no services, no SQLAlchemy), whatever command runs."""
