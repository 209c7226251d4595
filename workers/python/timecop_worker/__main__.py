from timecop_worker.main import run

run()
