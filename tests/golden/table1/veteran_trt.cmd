table1 --data @DATA@/veteran.csv --by trt --vars celltype,karno,age,prior,diagtime,time --categorical prior --nonnormal karno,diagtime --exact celltype --format json
