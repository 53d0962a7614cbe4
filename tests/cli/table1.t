# obsurv table1 — command-line cases (numbers are checked by tests/golden/table1/).

case table1 help
run table1 --help
exit 0
stdout usage: obsurv table1
stdout --nonnormal
end

case table1 text like tableone
run table1 --data @DATA@/lung.csv --by sex --vars age,ph.ecog,wt.loss --categorical ph.ecog --nonnormal wt.loss
exit 0
stdout Stratified by sex
stdout age (mean (SD))
stdout wt.loss (median [IQR])
stdout ph.ecog (%)
stdout nonnorm
stderr-empty
end

case table1 json shape
run table1 --data @DATA@/veteran.csv --by trt --vars celltype,karno --exact celltype --format json
exit 0
stdout "groups":[{"level":"1","n":69},{"level":"2","n":68}]
stdout "test":"fisher"
stdout "test":"anova"
end

case table1 csv
run table1 --data @DATA@/ovarian.csv --by rx --vars age,resid.ds --categorical resid.ds --format csv
exit 0
stdout variable,level,type,Overall,1,2,p,test,smd
stdout resid.ds,2,n (%)
end

case table1 html page
run table1 --data @DATA@/ovarian.csv --by rx --format html --out @TMP@/t1.html
exit 0
stdout-empty
end

case table1 overall only
run table1 --data @DATA@/ovarian.csv --vars age
exit 0
stdout Overall
end

case table1 unknown column
run table1 --data @DATA@/lung.csv --by sex --vars age,nosuch
exit 2
stdout-empty
stderr column "nosuch" not found
end

case table1 unknown by
run table1 --data @DATA@/lung.csv --by nosuch
exit 2
stdout-empty
stderr --by: column "nosuch" not found
end

case table1 exact on continuous
run table1 --data @DATA@/lung.csv --by sex --vars age --exact age
exit 2
stdout-empty
stderr --exact: column "age" is continuous
end

case table1 nonnormal on categorical
run table1 --data @DATA@/veteran.csv --by trt --vars celltype --nonnormal celltype
exit 2
stdout-empty
stderr --nonnormal: column "celltype" is categorical
end

case table1 missing group values warn
run table1 --data @DATA@/lung.csv --by ph.ecog --vars age
exit 0
stderr rows dropped
stderr no P value
end

case table1 missing data file
run table1 --data @TMP@/nope.csv --by sex
exit 2
stdout-empty
end

case table1 formula refused
run table1 --data @DATA@/lung.csv --formula "x ~ y"
exit 2
stdout-empty
stderr --formula is not used
end
