"""The scheduler: stored jobs, the ``ptt tick`` runner, job kinds and alerts.

    schedules   the next slot of a cron expression (in a zone) or an interval
    kinds       the registered job kinds, their argument checks and run functions
    jobs        the stored jobs: add, change, list, history, status, cleanup
    runner      the tick's light part: last_tick_at, reclaim dead leases, find due jobs
    execution   one run: claim its slot, run it in a child with a heartbeat, record it
    worker      the child process that runs one job body
    alerts      webhook and command alerts when a job fails, is disabled or recovers

This package imports nothing heavy on purpose: a tick with nothing due loads only
``runner``, ``ptt.db``, ``ptt.config`` and ``ptt.logs``.
"""
