# SPDX-License-Identifier: GPL-2.0
"""What the benchmark tables share: their plans' "tag: key=value ..." lines
and the median (min-max) they print."""
import statistics


def records(path, tag):
    """The key=value pairs of each line of @path that starts with "tag:"."""
    with open(path) as f:
        for line in f:
            if line.startswith(tag + ':'):
                yield dict(item.split('=', 1) for item in line.split()[1:]
                           if '=' in item)


def fmt(values, digits=4):
    """median (min-max) of @values, 'n/a' if none."""
    if not values:
        return 'n/a'
    return (f'{statistics.median(values):.{digits}g} '
            f'({min(values):.{digits}g}-{max(values):.{digits}g})')
