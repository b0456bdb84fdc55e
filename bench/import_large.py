"""A large organisation import: 100,000 people, the way `netvaerk import` is run.

Generates an organisation in the CSV contract format (DESIGN.md §4) — departments under eight
directorates, a manager hierarchy four levels deep, ~6,000 networks with participants and
~60,000 PULS talks, in proportion to a 20,000-person organisation of 1,200 networks and 12,000
talks — then imports it with `python -m bot import` into an empty database, and again unchanged.
Prints the wall time and the peak resident memory of each import process. On SQLite, and on
PostgreSQL too when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names a server.

Targets (issue 13): first import ≤ 10 s, unchanged re-import ≤ 5 s, peak memory ≤ 300 MB.

    .venv/bin/python bench/import_large.py [--people 100000]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import backends, scratch_database  # noqa: E402

FIRST_S, AGAIN_S, PEAK_MB = 10.0, 5.0, 300.0
NETWORKS_PER_PERSON, PULS_PER_PERSON = 0.06, 0.6
DIRECTORATES = (
    "By og Miljø",
    "Social og Sundhed",
    "Børn og Unge",
    "Kultur og Fritid",
    "Beskæftigelse",
    "Økonomi og Stab",
    "Digitalisering",
    "Ældre og Omsorg",
)
UNITS = (
    "Vej og Park",
    "Byggesag",
    "Hjemmeplejen",
    "Sundhedsplejen",
    "Dagtilbud",
    "Skole",
    "Bibliotek",
    "Jobcenter",
    "Løn og Personale",
    "IT-drift",
    "Plejecenter",
    "Ungdomsskole",
    "Natur og Klima",
    "Borgerservice",
    "Rengøring",
    "Tandpleje",
)
FIRST = (
    "Anne Lars Mette Søren Fatima Ida Jonas Camilla Henrik Peter Birgitte Ole Sofie Jens Maja Ali"
)
LAST = (
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen Holm"
)
PEOPLE_PER_DEPARTMENT = 200
TEAM_SIZE = 15


def generate(directory: Path, people_count: int, seed: int = 13) -> dict[str, int]:
    """Write departments.csv (semicolons, as Danish Excel), people.csv, networks.csv, puls.csv."""
    rng = random.Random(seed)
    firsts, lasts = FIRST.split(), LAST.split()
    departments = max(1, people_count // PEOPLE_PER_DEPARTMENT)
    department_names = [
        f"{UNITS[n % len(UNITS)]} {DIRECTORATES[n % len(DIRECTORATES)]} {n // len(UNITS) + 1}"
        for n in range(departments)
    ]
    with (directory / "departments.csv").open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(
            ["department", "channel", "meeting_weekday", "meeting_time", "meeting_interval_weeks"]
        )
        for n, name in enumerate(department_names):
            weekday = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag")[n % 5]
            writer.writerow([name, f"#afd-{n}", weekday, f"{8 + n % 6:02d}:00", 1 + n % 4])

    # The hierarchy: a director, a head per directorate, a head per department, team leaders
    # under the department head, employees under team leaders (four levels below the top).
    emails: list[str] = []
    managers: list[str] = []
    department_of: list[str] = []

    def add(department: str, manager: str) -> str:
        email = f"p{len(emails)}@albertslund.dk"
        emails.append(email)
        managers.append(manager)
        department_of.append(department)
        return email

    director = add(department_names[0], "")
    heads = [add(department_names[d], director) for d in range(len(DIRECTORATES))]
    department_heads = [
        add(name, heads[d % len(DIRECTORATES)]) for d, name in enumerate(department_names)
    ]
    team_leaders: list[tuple[str, str]] = []  # (email, department)
    while len(emails) < people_count:
        if rng.random() < 1 / TEAM_SIZE or not team_leaders:
            d = rng.randrange(departments)
            leader = add(department_names[d], department_heads[d])
            team_leaders.append((leader, department_names[d]))
        else:  # a recent team, so that teams fill up rather than all growing at once
            leader, department = team_leaders[
                rng.randrange(max(0, len(team_leaders) - 50), len(team_leaders))
            ]
            add(department, leader)
    with (directory / "people.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["email", "name", "department", "manager_email", "language", "roles"])
        for n, email in enumerate(emails):
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
            language = "en" if n % 40 == 0 else "da"
            roles = "secretariat" if n % 5000 == 1 else ""
            writer.writerow([email, name, department_of[n], managers[n], language, roles])

    network_count = int(people_count * NETWORKS_PER_PERSON)
    start = date(2027, 1, 4)
    with (directory / "networks.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "network",
                "theme",
                "leader_email",
                "reference_leader_email",
                "participant_emails",
                "start_date",
                "end_date",
            ]
        )
        for n in range(network_count):
            leader = emails[rng.randrange(len(DIRECTORATES) + 1, people_count)]
            reference = rng.choice(department_heads)
            participants = {
                emails[rng.randrange(1, people_count)] for _ in range(rng.randint(3, 12))
            } - {leader}
            begins = start + timedelta(days=7 * rng.randrange(0, 40))
            writer.writerow(
                [
                    f"Netværk {n}: {UNITS[n % len(UNITS)]}",
                    f"Hvordan arbejder vi på tværs om {UNITS[(n * 7) % len(UNITS)].lower()}?",
                    leader,
                    reference,
                    ";".join(sorted(participants)),
                    begins.isoformat(),
                    (begins + timedelta(days=180)).isoformat(),
                ]
            )

    puls_count = int(people_count * PULS_PER_PERSON)
    talked = rng.sample(range(1, people_count), puls_count)
    with (directory / "puls.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["email", "manager_email", "date", "time"])
        for n in talked:
            day = date(2027, 2, 1) + timedelta(days=rng.randrange(0, 300))
            writer.writerow([emails[n], managers[n], day.isoformat(), f"{9 + n % 6:02d}:30"])
    return {
        "departments": departments,
        "people": len(emails),
        "networks": network_count,
        "puls": puls_count,
    }


def run_import(files: list[Path], url: str) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS in MB and the printed summary of one
    `netvaerk import`. CPU beside wall: on a shared machine the wall time says as much about
    the neighbours as about the import."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    env.pop("SLACK_BOT_TOKEN", None)  # no Slack lookups: the database work alone
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "import", *map(str, files)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not all children's
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"import failed ({process.returncode}):\n{err.read()[-3000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, cpu, usage.ru_maxrss / 1024, out.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="netvaerk-import-"))
    sizes = generate(workdir, args.people)
    files = [workdir / f"{kind}.csv" for kind in ("people", "departments", "networks", "puls")]
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "bench/import_large.py: "
        + ", ".join(f"{count:,} {kind}" for kind, count in sizes.items())
        + f" ({megabytes:.1f} MB of CSV)"
    )
    for backend in backends():
        with scratch_database(backend) as url:
            env = {**os.environ, "DATABASE_URL": url}
            subprocess.run(
                [sys.executable, "-m", "bot", "db", "upgrade"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            print(f"\n== {backend}")
            for label, target in (("first import", FIRST_S), ("unchanged re-import", AGAIN_S)):
                seconds, cpu, peak, summary = run_import(files, url)
                counts = [line.strip() for line in summary.splitlines() if "oprettet" in line]
                met = "met" if seconds <= target and peak <= PEAK_MB else "NOT met"
                print(
                    f"  {label:<20} {seconds:6.1f} s ({cpu:5.1f} s CPU)   peak {peak:5.0f} MB   "
                    f"(targets ≤ {target:g} s, ≤ {PEAK_MB:g} MB: {met})"
                )
                for line in counts:
                    print(f"      {line}")


if __name__ == "__main__":
    main()
