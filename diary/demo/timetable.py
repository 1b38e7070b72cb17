"""The demo school's weekly timetable: each class's lessons placed so that no teacher is in two places at once."""

import random

from diary.demo.school_data import DAYS, LESSONS, SUBJECT_ORDER, SUBJECTS, SchoolClass


class _Scheduler:
    """Places each class's lessons into its weekly grid so that no teacher is in two places at once.

    A greedy first pass is repaired by local search: a lesson in conflict is swapped with the lesson in another slot of
    the same class that removes the most conflicts. Teacher clashes are hard; the same subject twice a day is soft.
    """

    TEACHER_CLASH = 4
    SUBJECT_REPEAT = 1

    def __init__(self, rng: random.Random, units: list[list[tuple[int, tuple[int, ...]]]], teachers: int):
        self.rng = rng
        self.units = units
        self.slots: list[list[int]] = []
        for lessons in units:
            base, extra = divmod(len(lessons), DAYS)
            lengths = [base] * DAYS
            for day in (1, 2, 3, 0, 4)[:extra]:
                lengths[day] += 1
            if max(lengths) > LESSONS:
                raise ValueError("a class has more lessons than the week can hold")
            self.slots.append([day * LESSONS + n for day in range(DAYS) for n in range(lengths[day])])
        self.index = [{time: k for k, time in enumerate(slots)} for slots in self.slots]
        self.grid: list[list[int]] = [[-1] * len(slots) for slots in self.slots]
        self.busy = [[0] * (DAYS * LESSONS) for _ in range(teachers)]
        self.holders: list[list[list[int]]] = [[[] for _ in range(DAYS * LESSONS)] for _ in range(teachers)]
        self.daily: list[dict[tuple[int, int], int]] = [{} for _ in units]
        self.clashes: dict[tuple[int, int], None] = {}
        self.repeats: dict[tuple[int, int, int], None] = {}

    def place(self, c: int, k: int, u: int) -> int:
        time = self.slots[c][k]
        subject, teachers = self.units[c][u]
        delta = 0
        for x in teachers:
            before = self.busy[x][time]
            self.busy[x][time] = before + 1
            self.holders[x][time].append(c)
            if before:
                delta += self.TEACHER_CLASH
                self.clashes[(x, time)] = None
        key = (subject, time // LESSONS)
        before = self.daily[c].get(key, 0)
        self.daily[c][key] = before + 1
        if before:
            delta += self.SUBJECT_REPEAT
            self.repeats[(c, *key)] = None
        self.grid[c][k] = u
        return delta

    def remove(self, c: int, k: int) -> int:
        time = self.slots[c][k]
        subject, teachers = self.units[c][self.grid[c][k]]
        delta = 0
        for x in teachers:
            before = self.busy[x][time]
            self.busy[x][time] = before - 1
            self.holders[x][time].remove(c)
            if before >= 2:
                delta -= self.TEACHER_CLASH
                if before == 2:
                    del self.clashes[(x, time)]
        key = (subject, time // LESSONS)
        before = self.daily[c][key]
        self.daily[c][key] = before - 1
        if before >= 2:
            delta -= self.SUBJECT_REPEAT
            if before == 2:
                del self.repeats[(c, *key)]
        self.grid[c][k] = -1
        return delta

    def swap(self, c: int, i: int, j: int) -> int:
        u, v = self.grid[c][i], self.grid[c][j]
        delta = self.remove(c, i) + self.remove(c, j)
        return delta + self.place(c, i, v) + self.place(c, j, u)

    def start(self) -> None:
        order = list(range(len(self.units)))
        self.rng.shuffle(order)
        for c in order:
            lessons = sorted(
                range(len(self.units[c])),
                key=lambda u: (-len(self.units[c][u][1]), self.units[c][u][0], self.rng.random()),
            )
            free = list(range(len(self.slots[c])))
            for u in lessons:
                subject, teachers = self.units[c][u]

                def cost(k: int, c: int = c, subject: int = subject, teachers: tuple[int, ...] = teachers) -> tuple:
                    time = self.slots[c][k]
                    clashes = sum(self.busy[x][time] for x in teachers)
                    return (clashes, self.daily[c].get((subject, time // LESSONS), 0), self.rng.random())

                k = min(free, key=cost)
                free.remove(k)
                self.place(c, k, u)

    def repair(self, steps: int) -> bool:
        rng = self.rng
        for _ in range(steps):
            if not self.clashes and not self.repeats:
                return True
            if self.clashes and (not self.repeats or rng.random() < 0.8):
                x, time = rng.choice(list(self.clashes))
                c = rng.choice(self.holders[x][time])
                i = self.index[c][time]
            else:
                c, subject, day = rng.choice(list(self.repeats))
                i = rng.choice(
                    [
                        k
                        for k, time in enumerate(self.slots[c])
                        if time // LESSONS == day and self.units[c][self.grid[c][k]][0] == subject
                    ]
                )
            others = [
                j for j in range(len(self.slots[c])) if self.units[c][self.grid[c][j]] != self.units[c][self.grid[c][i]]
            ]
            if rng.random() < 0.05:
                self.swap(c, i, rng.choice(others))
                continue
            best, moves = None, []
            for j in others:
                delta = self.swap(c, i, j)
                self.swap(c, i, j)
                if best is None or delta < best:
                    best, moves = delta, [j]
                elif delta == best:
                    moves.append(j)
            self.swap(c, i, rng.choice(moves))
        return not self.clashes

    def solve(self) -> list[list[int]]:
        self.start()
        if not self.repair(steps=20 * sum(len(slots) for slots in self.slots) + 20000):
            raise RuntimeError("could not build a timetable without teacher clashes")
        return self.grid


def timetable_rows(rng: random.Random, plan: list[SchoolClass], staff_count: int) -> list[tuple]:
    """Timetable rows; a split subject's two subgroups share the slot, each with its own teacher."""
    subjects = list(SUBJECTS)
    units = []
    for school_class in plan:
        lessons = []
        for subject in sorted(school_class.subjects, key=SUBJECT_ORDER.__getitem__):
            groups = ("1", "2") if school_class.is_split(subject) else ("",)
            teachers = tuple(school_class.teachers[(subject, group)] for group in groups)
            lessons.extend([(subjects.index(subject), teachers)] * school_class.subjects[subject])
        units.append(lessons)
    scheduler = _Scheduler(rng, units, staff_count)
    grid = scheduler.solve()
    rows = []
    for c, school_class in enumerate(plan):
        for k, u in enumerate(grid[c]):
            day, lesson = divmod(scheduler.slots[c][k], LESSONS)
            subject = subjects[units[c][u][0]]
            for group in ("1", "2") if school_class.is_split(subject) else ("",):
                rows.append((c, day + 1, lesson + 1, group, school_class.code, subject))
    rows.sort()
    return [(code, subject, group, day, lesson) for _, day, lesson, group, code, subject in rows]
