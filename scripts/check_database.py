"""Exit 0 when the PostgreSQL server at the given URL accepts connections, 1 otherwise."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg


def main(url: str) -> int:
    # The test database does not exist yet; ask the server's maintenance database instead.
    server_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        with psycopg.connect(server_url, connect_timeout=3):
            return 0
    except psycopg.Error as error:
        print(f"cannot connect: {error}".strip(), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
