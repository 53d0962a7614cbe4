table1 --data @DATA@/veteran.csv --by celltype --vars trt,prior,age,karno --categorical trt,prior --nonnormal karno --exact trt --format json
