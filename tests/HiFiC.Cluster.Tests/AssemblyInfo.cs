// Clusters and the model pool compete for 2 cores: one test at a time keeps timings honest.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
