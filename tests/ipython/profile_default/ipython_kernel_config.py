# Kernels started by the tests (IPYTHONDIR=tests/ipython): no history database, so two
# parallel kernels never contend for one sqlite file and nothing is written to the repo.
c = get_config()  # noqa: F821
c.HistoryManager.hist_file = ":memory:"
