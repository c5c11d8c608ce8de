"""What the web benchmarks share: their scratch PostgreSQL database."""

from __future__ import annotations


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist (connecting to the server's ``postgres``)."""
    import psycopg  # noqa: PLC0415
    from psycopg import sql  # noqa: PLC0415
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

    info = conninfo_to_dict(url)
    name = str(info.pop("dbname"))
    with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True) as conn:  # type: ignore[arg-type]
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
