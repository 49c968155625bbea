// Every checker RefinementOn attaches is finished at the end of its test (RefinementOn.FinishTest).
[assembly: Verified.Kernel.Tests.FinishRefinement]
