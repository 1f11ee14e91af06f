package spec

import (
	"encoding/xml"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/google/go-cmp/cmp"
)

// The conformance test holds our tables against pyx12's XML maps of the same
// guides (an independent description, in ../shared/reference/tr3-maps). It
// compares loop IDs and order, segment order within loops, usage and repeats
// of loops and segments, and for every element its usage, data element, type,
// lengths, repeat and code values. pyx12's HEADER/DETAIL/FOOTER wrapper loops
// (and ours, if a table uses them) are flattened into their parents, and its
// ISA_LOOP/GS_LOOP are stepped through to reach the ST loop.
//
// Every difference must be listed in knownDifferences with the reason our
// table is right; anything else fails.

// conformanceMaps lists the pyx12 map of each transaction we check.
var conformanceMaps = []struct {
	file    string
	st01    string
	version string
	table   string // our table file, named when it is missing
	// flattenHL compares HL loops as siblings in the ST loop, where pyx12
	// nests them inconsistently.
	flattenHL bool
}{
	{"835.5010.X221.A1.xml", "835", "005010X221A1", "835.tr3", false},
	{"837.5010.X222.A1.xml", "837", "005010X222A1", "837p.tr3", false},
	{"837Q3.I.5010.X223.A1.xml", "837", "005010X223A1", "837i.tr3", false},
	{"277.5010.X212.xml", "277", "005010X212", "277.tr3", true},
	{"277.5010.X214.xml", "277", "005010X214", "277ca.tr3", false},
	{"999.5010X231.A1.xml", "999", "005010X231A1", "999.tr3", false},
}

// knownDifferences lists the differences between our tables and pyx12's maps
// that are deliberate, each with the reason (pyx12's map is wrong, or is the
// generic X12 standard where the guide narrows it).
var knownDifferences = map[string]string{
	// 835
	"835 005010X221A1 ST ST[835] ST03: usage ours R, pyx12 N":                         "5010 TR3s require ST03 (Implementation Convention Reference); pyx12 marks it N",
	"835 005010X221A1 ST/2000/2100/2110 SVC[AD] SVC01 SVC01-7: usage ours S, pyx12 N": "X221A1 uses SVC01-7 (procedure code description) as SVC06-7; pyx12 marks only SVC06-7",

	"835 005010X221A1 ST PLB PLB05 PLB05-1: codes: ours also 50,51,72,90,AH,AM,AP,B2,B3,BD,BN,C5,CR,CS,CT,CV,CW,DM,E3,FB,FC,GO,HM,IP,IR,IS,J1,L3,L6,LE,LS,OA,OB,PI,PL,RA,RE,SL,TL,WO,WU": "the guide gives PLB05-1 the same reason codes as PLB03-1; pyx12 lists them only on PLB03-1",
	"835 005010X221A1 ST PLB PLB07 PLB07-1: codes: ours also 50,51,72,90,AH,AM,AP,B2,B3,BD,BN,C5,CR,CS,CT,CV,CW,DM,E3,FB,FC,GO,HM,IP,IR,IS,J1,L3,L6,LE,LS,OA,OB,PI,PL,RA,RE,SL,TL,WO,WU": "the guide gives PLB07-1 the same reason codes as PLB03-1; pyx12 lists them only on PLB03-1",
	"835 005010X221A1 ST PLB PLB09 PLB09-1: codes: ours also 50,51,72,90,AH,AM,AP,B2,B3,BD,BN,C5,CR,CS,CT,CV,CW,DM,E3,FB,FC,GO,HM,IP,IR,IS,J1,L3,L6,LE,LS,OA,OB,PI,PL,RA,RE,SL,TL,WO,WU": "the guide gives PLB09-1 the same reason codes as PLB03-1; pyx12 lists them only on PLB03-1",
	"835 005010X221A1 ST PLB PLB11 PLB11-1: codes: ours also 50,51,72,90,AH,AM,AP,B2,B3,BD,BN,C5,CR,CS,CT,CV,CW,DM,E3,FB,FC,GO,HM,IP,IR,IS,J1,L3,L6,LE,LS,OA,OB,PI,PL,RA,RE,SL,TL,WO,WU": "the guide gives PLB11-1 the same reason codes as PLB03-1; pyx12 lists them only on PLB03-1",
	"835 005010X221A1 ST PLB PLB13 PLB13-1: codes: ours also 50,51,72,90,AH,AM,AP,B2,B3,BD,BN,C5,CR,CS,CT,CV,CW,DM,E3,FB,FC,GO,HM,IP,IR,IS,J1,L3,L6,LE,LS,OA,OB,PI,PL,RA,RE,SL,TL,WO,WU": "the guide gives PLB13-1 the same reason codes as PLB03-1; pyx12 lists them only on PLB03-1",

	// 999
	"999 005010X231A1 ST/2000/2100 IK3 IK302: length ours 1-10, pyx12 1-6":                           "in 5010, element 719 is N0 1/10 (as SE01); pyx12's dataele.xml has the 4010 1/6",
	"999 005010X231A1 ST/2000/2100 CTX[SITUATIONAL TRIGGER] CTX03: length ours 1-10, pyx12 1-6":      "in 5010, element 719 is N0 1/10 (as SE01); pyx12's dataele.xml has the 4010 1/6",
	"999 005010X231A1 ST/2000/2100/2110 CTX[SITUATIONAL TRIGGER] CTX03: length ours 1-10, pyx12 1-6": "in 5010, element 719 is N0 1/10 (as SE01); pyx12's dataele.xml has the 4010 1/6",
	"999 005010X231A1 ST/2000/2100 CTX[TRN02] CTX03: length ours 1-10, pyx12 1-6":                    "in 5010, element 719 is N0 1/10 (as SE01); pyx12's dataele.xml has the 4010 1/6",
	"999 005010X231A1 ST/2000/2100 CTX[TRN02] CTX05: usage ours N, pyx12 S":                          "the business unit CTX names a business identifier (CTX01) only; pyx12 copied CTX05 from the segment context CTX",
	"999 005010X231A1 ST/2000/2100 CTX[TRN02] CTX05 CTX05-1: usage ours N, pyx12 R":                  "the business unit CTX names a business identifier (CTX01) only; pyx12 copied CTX05 from the segment context CTX",
	"999 005010X231A1 ST/2000/2100 CTX[TRN02] CTX05 CTX05-2: usage ours N, pyx12 S":                  "the business unit CTX names a business identifier (CTX01) only; pyx12 copied CTX05 from the segment context CTX",
	"999 005010X231A1 ST/2000/2100 CTX[TRN02] CTX05 CTX05-3: usage ours N, pyx12 S":                  "the business unit CTX names a business identifier (CTX01) only; pyx12 copied CTX05 from the segment context CTX",
	"999 005010X231A1 ST/2000/2100/2110 IK4: usage ours R, pyx12 S":                                  "a loop's trigger segment is required in its loop (the 2110 loop itself is S)",

	// 837P and 837I (x12/spec/tables/837p.tr3, 837i.tr3)
	"837 005010X222A1 ST ST[837] ST03: usage ours R, pyx12 S":                                                             "5010 TR3s require ST03 (Implementation Convention Reference); pyx12 marks it S",
	"837 005010X222A1 ST ST[837] ST03: codes: ours also 005010X222A1,005010X222A2":                                        "ST03 carries the guide version: X222A1 and its errata X222A2, the versions this table reads",
	"837 005010X222A1 ST BHT[0019] BHT06: codes: ours also 31":                                                            "addenda A1 added 31 (Subrogation Demand) to BHT06; pyx12 has it in its 837I map, not its 837P one",
	"837 005010X222A1 ST/2000A/2000B/2300 REF[4N] REF02: codes: ours also 1,2,3,4,5,6,7":                                  "the guide allows only 1-7 in the Service Authorization Exception Code (REF02 notes)",
	"837 005010X222A1 ST/2000A/2000B/2300 REF[F5] REF02: codes: ours also N,Y":                                            "the Mandatory Medicare Crossover Indicator is Y or N (REF02 notes)",
	"837 005010X222A1 ST/2000A/2000B/2300/2320/2330B REF[T4] REF02: codes: ours also Y":                                   "the Other Payer Claim Adjustment Indicator is always Y (REF02 notes)",
	"837 005010X222A1 ST/2000A/2000B/2300/2400 SV1[ER] SV107 SV107-1: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12":       "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2300/2400 SV1[ER] SV107 SV107-2: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12":       "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2300/2400 SV1[ER] SV107 SV107-3: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12":       "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2300/2400 SV1[ER] SV107 SV107-4: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12":       "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2300/2400/2410 LIN LIN02: codes: pyx12 also EN,EO,HI,ON,UK,UP":                       "the 5010 837 guides allow only N4 (NDC in 5-4-2 format); pyx12 lists the X12 standard qualifiers (its 837I map has N4 only)",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300 REF[4N] REF02: codes: ours also 1,2,3,4,5,6,7":                            "the guide allows only 1-7 in the Service Authorization Exception Code (REF02 notes)",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300 REF[F5] REF02: codes: ours also N,Y":                                      "the Mandatory Medicare Crossover Indicator is Y or N (REF02 notes)",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300/2320/2330B REF[T4] REF02: codes: ours also Y":                             "the Other Payer Claim Adjustment Indicator is always Y (REF02 notes)",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300/2400 SV1[ER] SV107 SV107-1: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12": "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300/2400 SV1[ER] SV107 SV107-2: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12": "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300/2400 SV1[ER] SV107 SV107-3: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12": "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300/2400 SV1[ER] SV107 SV107-4: codes: pyx12 also 1,2,3,4,5,6,7,8,9,10,11,12": "diagnosis code pointers are N0 (1-12); our tables give codes only to ID and AN elements",
	"837 005010X222A1 ST/2000A/2000B/2000C/2300/2400/2410 LIN LIN02: codes: pyx12 also EN,EO,HI,ON,UK,UP":                 "the 5010 837 guides allow only N4 (NDC in 5-4-2 format); pyx12 lists the X12 standard qualifiers (its 837I map has N4 only)",
	"837 005010X223A1 ST ST[837] ST03: codes: ours also 005010X223A1,005010X223A3":                                        "ST03 carries the guide version: X223A2 with the A1 addenda and A3 errata, the versions this table reads",
	"837 005010X223A1 ST/2000A/2000B/2300 REF[4N] REF02: codes: ours also 1,2,3,4,5,6,7":                                  "the guide allows only 1-7 in the Service Authorization Exception Code (REF02 notes)",
	"837 005010X223A1 ST/2000A/2000B/2300 CRC[ZZ] CRC04: codes: ours also AV,NU,S2,ST":                                    "CRC04 and CRC05 take the same EPSDT condition indicators as CRC03; pyx12 lists them in its 837P map only",
	"837 005010X223A1 ST/2000A/2000B/2300 CRC[ZZ] CRC05: codes: ours also AV,NU,S2,ST":                                    "CRC04 and CRC05 take the same EPSDT condition indicators as CRC03; pyx12 lists them in its 837P map only",
	"837 005010X223A1 ST/2000A/2000B/2300/2320/2330B REF[T4] REF02: codes: ours also Y":                                   "the Other Payer Claim Adjustment Indicator is always Y (REF02 notes)",
	"837 005010X223A1 ST/2000A/2000B/2000C/2300 REF[4N] REF02: codes: ours also 1,2,3,4,5,6,7":                            "the guide allows only 1-7 in the Service Authorization Exception Code (REF02 notes)",
	"837 005010X223A1 ST/2000A/2000B/2000C/2300 CRC[ZZ] CRC04: codes: ours also AV,NU,S2,ST":                              "CRC04 and CRC05 take the same EPSDT condition indicators as CRC03; pyx12 lists them in its 837P map only",
	"837 005010X223A1 ST/2000A/2000B/2000C/2300 CRC[ZZ] CRC05: codes: ours also AV,NU,S2,ST":                              "CRC04 and CRC05 take the same EPSDT condition indicators as CRC03; pyx12 lists them in its 837P map only",
	"837 005010X223A1 ST/2000A/2000B/2000C/2300/2320/2330B REF[T4] REF02: codes: ours also Y":                             "the Other Payer Claim Adjustment Indicator is always Y (REF02 notes)",

	// --- 277 (X212) and 277CA (X214): x12/spec/tables/277.tr3, 277ca.tr3 ---
	// Owned by the eligibility/status/auth tables; keep this block separate.
	//
	// X212: the comparison lays the HL loops flat (flattenHL), as pyx12's map
	// does; our table nests each HL level in its parent like 276 and 277CA.
	"277 005010X212 ST/2000D/2200D STC STC01 STC01-3: codes: pyx12 also 03,13,17,1E,1G,1H,1I,1O,1P,1Q,1R,1S,1T,1U,1V,1W,1X,1Y,1Z,28,2A,2B,2D,2E,2I,2K,2P,2Q,2S,2Z,30,36,3A,3C,3D,3E,3F,3G,3H,3I,3J,3K,3L,3M,3N,3O,3P,3Q,3R,3S,3T,3U,3V,3W,3X,3Y,3Z,40,43,44,4A,4B,4C,4D,4E,4F,4G,4H,4I,4J,4L,4M,4N,4O,4P,4Q,4R,4S,4U,4V,4W,4X,4Y,4Z,5A,5B,5C,5D,5E,5F,5G,5H,5I,5J,5K,5L,5M,5N,5O,5P,5Q,5R,5S,5T,5U,5V,5W,5X,5Y,5Z,61,6A,6B,6C,6D,6E,6F,6G,6H,6I,6J,6K,6L,6M,6N,6O,6P,6Q,6R,6S,6U,6V,6W,6X,6Y,71,72,73,74,77,7C,80,82,84,85,87,95,CK,CZ,D2,DD,DJ,DK,DN,DO,DQ,E1,E2,E7,E9,FA,FD,FE,G0,G3,GB,GD,GI,GJ,GK,GM,GY,HF,HH,I3,IJ,IL,IN,LI,LR,MR,MSC,OB,OD,OX,P0,P2,P3,P4,P6,P7,PRP,PT,PV,PW,QA,QB,QC,QD,QE,QH,QK,QL,QN,QO,QS,QV,QY,RC,RW,S4,SEP,SJ,SU,T4,TL,TQ,TT,TTP,TU,UH,X3,X4,X5,ZZ": "the guide's STC01-3 takes any Entity Identifier Code the payer needs to name; we leave it open to element 98 rather than copy pyx12's list",
	"277 005010X212 ST/2000D/2200D/2220D SVC[AD] SVC07: usage ours S, pyx12 R": "Original Units of Service Count is sent when the units differ from SVC05 (the 276 has it situational too); we accept its absence",
	"277 005010X212 ST/2000D/2200D/2220D STC STC01 STC01-3: codes: pyx12 also 03,13,17,1E,1G,1H,1I,1O,1P,1Q,1R,1S,1T,1U,1V,1W,1X,1Y,1Z,28,2A,2B,2D,2E,2I,2K,2P,2Q,2S,2Z,30,36,3A,3C,3D,3E,3F,3G,3H,3I,3J,3K,3L,3M,3N,3O,3P,3Q,3R,3S,3T,3U,3V,3W,3X,3Y,3Z,40,43,44,4A,4B,4C,4D,4E,4F,4G,4H,4I,4J,4L,4M,4N,4O,4P,4Q,4R,4S,4U,4V,4W,4X,4Y,4Z,5A,5B,5C,5D,5E,5F,5G,5H,5I,5J,5K,5L,5M,5N,5O,5P,5Q,5R,5S,5T,5U,5V,5W,5X,5Y,5Z,61,6A,6B,6C,6D,6E,6F,6G,6H,6I,6J,6K,6L,6M,6N,6O,6P,6Q,6R,6S,6U,6V,6W,6X,6Y,71,72,73,74,77,7C,80,82,84,85,87,95,CK,CZ,D2,DD,DJ,DK,DN,DO,DQ,E1,E2,E7,E9,FA,FD,FE,G0,G3,GB,GD,GI,GJ,GK,GM,GY,HF,HH,I3,IJ,IL,IN,LI,LR,MR,MSC,OB,OD,OX,P0,P2,P3,P4,P6,P7,PRP,PT,PV,PW,QA,QB,QC,QD,QE,QH,QK,QL,QN,QO,QS,QV,QY,RC,RW,S4,SEP,SJ,SU,T4,TL,TQ,TT,TTP,TU,UH,X3,X4,X5,ZZ": "the guide's STC01-3 takes any Entity Identifier Code the payer needs to name; we leave it open to element 98 rather than copy pyx12's list",
	"277 005010X212 ST/2000E/2200E STC STC01 STC01-3: codes: pyx12 also 03,13,17,1E,1G,1H,1I,1O,1P,1Q,1R,1S,1T,1U,1V,1W,1X,1Y,1Z,28,2A,2B,2D,2E,2I,2K,2P,2Q,2S,2Z,30,36,3A,3C,3D,3E,3F,3G,3H,3I,3J,3K,3L,3M,3N,3O,3P,3Q,3R,3S,3T,3U,3V,3W,3X,3Y,3Z,40,43,44,4A,4B,4C,4D,4E,4F,4G,4H,4I,4J,4L,4M,4N,4O,4P,4Q,4R,4S,4U,4V,4W,4X,4Y,4Z,5A,5B,5C,5D,5E,5F,5G,5H,5I,5J,5K,5L,5M,5N,5O,5P,5Q,5R,5S,5T,5U,5V,5W,5X,5Y,5Z,61,6A,6B,6C,6D,6E,6F,6G,6H,6I,6J,6K,6L,6M,6N,6O,6P,6Q,6R,6S,6U,6V,6W,6X,6Y,71,72,73,74,77,7C,80,82,84,85,87,95,CK,CZ,D2,DD,DJ,DK,DN,DO,DQ,E1,E2,E7,E9,FA,FD,FE,G0,G3,GB,GD,GI,GJ,GK,GM,GY,HF,HH,I3,IJ,IL,IN,LI,LR,MR,MSC,OB,OD,OX,P0,P2,P3,P4,P6,P7,PRP,PT,PV,PW,QA,QB,QC,QD,QE,QH,QK,QL,QN,QO,QS,QV,QY,RC,RW,S4,SEP,SJ,SU,T4,TL,TQ,TT,TTP,TU,UH,X3,X4,X5,ZZ":       "the guide's STC01-3 takes any Entity Identifier Code the payer needs to name; we leave it open to element 98 rather than copy pyx12's list",
	"277 005010X212 ST/2000E/2200E/2220E SVC[AD] SVC07: usage ours S, pyx12 R": "Original Units of Service Count is sent when the units differ from SVC05 (the 276 has it situational too); we accept its absence",
	"277 005010X212 ST/2000E/2200E/2220E STC STC01 STC01-3: codes: pyx12 also 03,13,17,1E,1G,1H,1I,1O,1P,1Q,1R,1S,1T,1U,1V,1W,1X,1Y,1Z,28,2A,2B,2D,2E,2I,2K,2P,2Q,2S,2Z,30,36,3A,3C,3D,3E,3F,3G,3H,3I,3J,3K,3L,3M,3N,3O,3P,3Q,3R,3S,3T,3U,3V,3W,3X,3Y,3Z,40,43,44,4A,4B,4C,4D,4E,4F,4G,4H,4I,4J,4L,4M,4N,4O,4P,4Q,4R,4S,4U,4V,4W,4X,4Y,4Z,5A,5B,5C,5D,5E,5F,5G,5H,5I,5J,5K,5L,5M,5N,5O,5P,5Q,5R,5S,5T,5U,5V,5W,5X,5Y,5Z,61,6A,6B,6C,6D,6E,6F,6G,6H,6I,6J,6K,6L,6M,6N,6O,6P,6Q,6R,6S,6U,6V,6W,6X,6Y,71,72,73,74,77,7C,80,82,84,85,87,95,CK,CZ,D2,DD,DJ,DK,DN,DO,DQ,E1,E2,E7,E9,FA,FD,FE,G0,G3,GB,GD,GI,GJ,GK,GM,GY,HF,HH,I3,IJ,IL,IN,LI,LR,MR,MSC,OB,OD,OX,P0,P2,P3,P4,P6,P7,PRP,PT,PV,PW,QA,QB,QC,QD,QE,QH,QK,QL,QN,QO,QS,QV,QY,RC,RW,S4,SEP,SJ,SU,T4,TL,TQ,TT,TTP,TU,UH,X3,X4,X5,ZZ": "the guide's STC01-3 takes any Entity Identifier Code the payer needs to name; we leave it open to element 98 rather than copy pyx12's list",
	"277 005010X212 ST/2000C/2200C STC STC01 STC01-3: codes: ours also 85": "the guide's own provider-level example sends STC*E0:24:85 (the billing provider); pyx12 allows only 1P",
	// X214 (277CA)
	"277 005010X214 ST/2000A/2200A: repeat ours 1, pyx12 >1":                                 "the guide has one transmission receipt trace (TRN, receipt and process dates) per information source",
	"277 005010X214 ST/2000A/2000B/2000C: usage ours S, pyx12 R":                             "a batch rejected at the receiver level (2200B STC) has no billing provider levels; the guide makes 2000C situational",
	"277 005010X214 ST/2000A/2000B/2000C/2100C NM1[85] NM106: usage ours N, pyx12 S":         "the 5010 guides do not use the name prefix (NM106); only the suffix (NM107) is situational",
	"277 005010X214 ST/2000A/2000B/2000C/2000D/2100D NM1[QC] NM106: usage ours N, pyx12 S":   "the 5010 guides do not use the name prefix (NM106); only the suffix (NM107) is situational",
	"277 005010X214 ST/2000A/2000B/2000C/2200C: usage ours S, pyx12 R":                       "the provider-level trace and status are sent only when the payer reports status for the billing provider as a whole",
	"277 005010X214 ST/2000A/2000B/2000C/2200C STC: usage ours S, pyx12 R":                   "the provider-level trace and status are sent only when the payer reports status for the billing provider as a whole",
	"277 005010X214 ST/2000A/2000B/2000C/2200C REF[0B]: max use ours 3, pyx12 1":             "the guide allows up to 3 provider secondary identifiers (REF01 0B, 1G, G2, LU, SY, TJ)",
	"277 005010X214 ST/2000A/2000B/2000C/2000D: usage ours S, pyx12 R":                       "a billing provider rejected as a whole (2200C STC) has no patient levels under it",
	"277 005010X214 ST/2000A/2000B/2000C/2000D/2200D: usage ours R, pyx12 S":                 "each patient level exists to acknowledge that patient's claims: the claim tracking loop is required under it",
	"277 005010X214 ST/2000A/2000B/2000C/2000D/2200D/2220D STC: max use ours >1, pyx12 1":    "a rejected service line may carry several status segments (each up to three statuses)",
	"277 005010X214 ST/2000A/2000B/2000C/2000D/2200D/2220D STC STC12: usage ours S, pyx12 N": "the free-form message may explain a line-level rejection as it does a claim-level one",
	// --- end of the 277/277CA block ---

	// Envelope
	"envelope GS[BE] GS08: codes: pyx12 also 005010,005010X214,005010X218,005010X279,005010X220A1,005010X221A1,005010X222A1,005010X223A2": "GS08 is checked against the versions and aliases of our transaction tables (spec.Lookup), not a fixed list",
	"envelope TA1: max use ours >1, pyx12 1": "an interchange may carry several TA1s, one per interchange acknowledged (X12.5)",
}

// xNode is an element of a pyx12 map: a loop, segment, element or composite.
type xNode struct {
	XMLName  xml.Name
	XID      string   `xml:"xid,attr"`
	Type     string   `xml:"type,attr"`
	Name     string   `xml:"name"`
	Usage    string   `xml:"usage"`
	Repeat   string   `xml:"repeat"`
	MaxUse   string   `xml:"max_use"`
	Seq      string   `xml:"seq"`
	DataEle  string   `xml:"data_ele"`
	Codes    []string `xml:"valid_codes>code"`
	Children []xNode  `xml:",any"`
}

func (n *xNode) kind() string { return n.XMLName.Local }

// xDataEle is an entry of pyx12's dataele.xml.
type xDataEle struct {
	Num  string `xml:"ele_num,attr"`
	Type string `xml:"data_type,attr"`
	Min  int    `xml:"min_len,attr"`
	Max  int    `xml:"max_len,attr"`
	Name string `xml:"name,attr"`
}

func loadDataEle(t *testing.T) map[string]xDataEle {
	t.Helper()
	data, err := os.ReadFile(testshared.Path(t, "reference", "tr3-maps", "dataele.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Elements []xDataEle `xml:"data_ele"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("dataele.xml: %v", err)
	}
	m := make(map[string]xDataEle)
	for _, e := range doc.Elements {
		m[e.Num] = e
	}
	return m
}

func loadMap(t *testing.T, file string) *xNode {
	t.Helper()
	data, err := os.ReadFile(testshared.Path(t, "reference", "tr3-maps", file))
	if err != nil {
		t.Fatal(err)
	}
	var root xNode
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &root
}

// findLoop returns the first loop with the given xid, depth first.
func findLoop(n *xNode, xid string) *xNode {
	for i := range n.Children {
		c := &n.Children[i]
		if c.kind() != "loop" {
			continue
		}
		if c.XID == xid {
			return c
		}
		if l := findLoop(c, xid); l != nil {
			return l
		}
	}
	return nil
}

// stLoop returns the map's ST loop. pyx12's 277 X212 map puts SE after the
// ST loop (in a wrapper beside it in the GS loop); stLoop moves it back to
// the end of the ST loop, where X12 has it.
func stLoop(root *xNode) *xNode {
	gs := findLoop(root, "GS_LOOP")
	st := findLoop(root, "ST_LOOP")
	if gs == nil || st == nil {
		return st
	}
	for _, c := range xChildren(st) {
		if c.kind() == "segment" && c.XID == "SE" {
			return st
		}
	}
	for _, c := range xChildren(gs) {
		if c.kind() == "segment" && c.XID == "SE" {
			fixed := *st
			fixed.Children = append(slices.Clip(st.Children), *c)
			return &fixed
		}
	}
	return st
}

// xChildren returns the loops and segments under n, wrappers flattened.
func xChildren(n *xNode) []*xNode {
	var out []*xNode
	for i := range n.Children {
		c := &n.Children[i]
		switch {
		case c.kind() == "loop" && c.Type == "wrapper":
			out = append(out, xChildren(c)...)
		case c.kind() == "loop" || c.kind() == "segment":
			out = append(out, c)
		}
	}
	return out
}

// ourChildren returns the loops and segments under l, wrappers flattened.
func ourChildren(l *Loop) []Node {
	var out []Node
	for _, n := range l.Children {
		if n.Loop != nil && n.Loop.Wrapper {
			out = append(out, ourChildren(n.Loop)...)
			continue
		}
		out = append(out, n)
	}
	return out
}

func isOurHL(n Node) bool {
	return n.Loop != nil && len(n.Loop.Children) > 0 && n.Loop.Children[0].Segment != nil && n.Loop.Children[0].Segment.ID == "HL"
}

func isXHL(n *xNode) bool {
	if n.kind() != "loop" {
		return false
	}
	kids := xChildren(n)
	return len(kids) > 0 && kids[0].kind() == "segment" && kids[0].XID == "HL"
}

// flattenOurHL drops the HL loops (loops triggered by HL) from children, or,
// at the root, replaces each with itself followed by its HL descendants,
// depth first: HL nesting is the data's (HL02), not the table's, and pyx12's
// 277 X212 map nests some HL loops and not others.
func flattenOurHL(children []Node, root bool) []Node {
	var out []Node
	for _, n := range children {
		switch {
		case !isOurHL(n):
			out = append(out, n)
		case root:
			out = append(out, n)
			var sub []Node
			for _, c := range ourChildren(n.Loop) {
				if isOurHL(c) {
					sub = append(sub, c)
				}
			}
			out = append(out, flattenOurHL(sub, true)...)
		}
	}
	return out
}

// flattenXHL is flattenOurHL for pyx12's loops.
func flattenXHL(children []*xNode, root bool) []*xNode {
	var out []*xNode
	for _, n := range children {
		switch {
		case !isXHL(n):
			out = append(out, n)
		case root:
			out = append(out, n)
			var sub []*xNode
			for _, c := range xChildren(n) {
				if isXHL(c) {
					sub = append(sub, c)
				}
			}
			out = append(out, flattenXHL(sub, true)...)
		}
	}
	return out
}

// comparer collects the differences of one transaction.
type comparer struct {
	prefix    string // "835 005010X221A1"
	flattenHL bool   // compare HL loops as siblings in the ST loop
	dataEle   map[string]xDataEle
	diffs     []string
}

func (c *comparer) add(format string, args ...any) {
	c.diffs = append(c.diffs, c.prefix+" "+fmt.Sprintf(format, args...))
}

func repeatString(n int) string {
	if n == Unbounded {
		return ">1"
	}
	return fmt.Sprint(n)
}

// normRepeat turns pyx12's repeat or max_use into ours.
func normRepeat(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "1"
	}
	return s
}

func normUsage(s string) string { return strings.TrimSpace(s) }

// firstCodes returns the codes of position 01 (or its first component) of a
// pyx12 segment.
func xFirstCodes(s *xNode) []string {
	for i := range s.Children {
		e := &s.Children[i]
		if strings.TrimSpace(e.Seq) != "01" {
			continue
		}
		if e.kind() == "composite" {
			for j := range e.Children {
				if e.Children[j].kind() == "element" && strings.TrimSpace(e.Children[j].Seq) == "01" {
					return e.Children[j].Codes
				}
			}
		}
		return e.Codes
	}
	return nil
}

func ourFirstCodes(s *Segment) []string {
	if len(s.Elements) == 0 {
		return nil
	}
	e := s.Elements[0]
	if e.IsComposite() {
		return e.Components[0].Codes
	}
	return e.Codes
}

func segLabel(id string, codes []string) string {
	if len(codes) == 0 {
		return id
	}
	return id + "[" + codes[0] + "]"
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// same reports whether our node and pyx12's describe the same thing.
func same(o Node, x *xNode) bool {
	if o.Loop != nil {
		return x.kind() == "loop" && x.XID == o.Loop.ID
	}
	if x.kind() != "segment" || x.XID != o.Segment.ID {
		return false
	}
	oc, xc := ourFirstCodes(o.Segment), xFirstCodes(x)
	return len(oc) == 0 || len(xc) == 0 || intersects(oc, xc)
}

// align pairs ours and theirs by longest common subsequence; unpaired entries
// have -1 on the other side.
func align(ours []Node, theirs []*xNode) [][2]int {
	n, m := len(ours), len(theirs)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if same(ours[i], theirs[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var pairs [][2]int
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && same(ours[i], theirs[j]):
			pairs = append(pairs, [2]int{i, j})
			i++
			j++
		case j == m || (i < n && lcs[i+1][j] >= lcs[i][j+1]):
			pairs = append(pairs, [2]int{i, -1})
			i++
		default:
			pairs = append(pairs, [2]int{-1, j})
			j++
		}
	}
	return pairs
}

func (c *comparer) loop(path string, ours *Loop, theirs *xNode) {
	on, xn := ourChildren(ours), xChildren(theirs)
	if c.flattenHL {
		on, xn = flattenOurHL(on, path == "ST"), flattenXHL(xn, path == "ST")
	}
	pairs := align(on, xn)
	// A node left unpaired on both sides is out of order: say so once, and
	// still compare it.
	for i, p := range pairs {
		if p[1] >= 0 {
			continue
		}
		for j, q := range pairs {
			if q[0] < 0 && same(on[p[0]], xn[q[1]]) {
				c.add("%s: %s out of order: ours child %d, pyx12 child %d", path, label(on[p[0]]), p[0]+1, q[1]+1)
				pairs[i][1], pairs[j][1] = q[1], -2 // -2: done
				break
			}
		}
	}
	for _, p := range pairs {
		switch {
		case p[1] == -2:
			continue
		case p[1] < 0:
			c.add("%s: %s not in pyx12", path, label(on[p[0]]))
		case p[0] < 0:
			x := xn[p[1]]
			if normUsage(x.Usage) == "N" {
				continue // not used: a table need not list it
			}
			if x.kind() == "loop" {
				c.add("%s: loop %s missing from ours", path, x.XID)
			} else {
				c.add("%s: segment %s missing from ours", path, segLabel(x.XID, xFirstCodes(x)))
			}
		default:
			o, x := on[p[0]], xn[p[1]]
			if o.Loop != nil {
				sub := path + "/" + o.Loop.ID
				c.compareUsage(sub, "", o.Loop.Usage, x.Usage)
				if got, want := repeatString(o.Loop.Repeat), normRepeat(x.Repeat); got != want {
					c.add("%s: repeat ours %s, pyx12 %s", sub, got, want)
				}
				c.loop(sub, o.Loop, x)
				continue
			}
			c.segment(path, o.Segment, x)
		}
	}
}

// label names our loop or segment in a message: "loop 2010AA", "segment NM1[85]".
func label(n Node) string {
	if n.Loop != nil {
		return "loop " + n.Loop.ID
	}
	return "segment " + segLabel(n.Segment.ID, ourFirstCodes(n.Segment))
}

func (c *comparer) compareUsage(where, what string, ours Usage, theirs string) {
	if got, want := ours.String(), normUsage(theirs); got != want {
		c.add("%s%s: usage ours %s, pyx12 %s", where, what, got, want)
	}
}

func (c *comparer) segment(path string, s *Segment, x *xNode) {
	where := segLabel(s.ID, ourFirstCodes(s))
	if path != "" {
		where = path + " " + where
	}
	c.compareUsage(where, "", s.Usage, x.Usage)
	if got, want := repeatString(s.MaxUse), normRepeat(x.MaxUse); got != want {
		c.add("%s: max use ours %s, pyx12 %s", where, got, want)
	}
	c.elements(where, s.ID, s.Elements, x.Children, "")
}

// elements compares our elements (or components) with pyx12's by position.
func (c *comparer) elements(where, segID string, ours []Element, theirs []xNode, parent string) {
	byPos := make(map[int]*xNode)
	for i := range theirs {
		x := &theirs[i]
		if x.kind() != "element" && x.kind() != "composite" {
			continue
		}
		var pos int
		if _, err := fmt.Sscanf(strings.TrimSpace(x.Seq), "%d", &pos); err != nil {
			c.add("%s: pyx12 element %q has bad seq %q", where, x.XID, x.Seq)
			continue
		}
		byPos[pos] = x
	}
	for _, e := range ours {
		ref := fmt.Sprintf("%s%02d", segID, e.Pos)
		if parent != "" {
			ref = fmt.Sprintf("%s-%d", parent, e.Pos)
		}
		x := byPos[e.Pos]
		delete(byPos, e.Pos)
		if x == nil {
			if e.Usage != NotUsed {
				c.add("%s %s: not in pyx12", where, ref)
			}
			continue
		}
		c.element(where, segID, ref, e, x)
	}
	var extra []int
	for pos, x := range byPos {
		if normUsage(x.Usage) != "N" {
			extra = append(extra, pos)
		}
	}
	sort.Ints(extra)
	for _, pos := range extra {
		c.add("%s: pyx12 position %d (%s) beyond ours", where, pos, byPos[pos].XID)
	}
}

func (c *comparer) element(where, segID, ref string, e Element, x *xNode) {
	at := where + " " + ref
	c.compareUsage(at, "", e.Usage, x.Usage)
	if e.IsComposite() != (x.kind() == "composite") {
		c.add("%s: composite ours %t, pyx12 %t", at, e.IsComposite(), x.kind() == "composite")
		return
	}
	ourRepeat := "1"
	if e.Repeat > 1 {
		ourRepeat = fmt.Sprint(e.Repeat)
	}
	if want := normRepeat(x.Repeat); ourRepeat != want {
		c.add("%s: repeat ours %s, pyx12 %s", at, ourRepeat, want)
	}
	if e.IsComposite() {
		if e.Usage == NotUsed && normUsage(x.Usage) == "N" {
			return
		}
		c.elements(at, segID, e.Components, x.Children, ref)
		return
	}
	if got, want := e.DataEle, strings.TrimSpace(x.DataEle); got != want {
		c.add("%s: data element ours %s, pyx12 %s", at, got, want)
	} else if d, ok := c.dataEle[want]; ok {
		if e.Type.String() != d.Type {
			c.add("%s: type ours %s, pyx12 %s", at, e.Type, d.Type)
		}
		if e.Min != d.Min || e.Max != d.Max {
			c.add("%s: length ours %d-%d, pyx12 %d-%d", at, e.Min, e.Max, d.Min, d.Max)
		}
	}
	if e.Usage == NotUsed {
		return // pyx12 lists codes on unused elements; they say nothing
	}
	var lacks, adds []string
	for _, code := range x.Codes {
		if !slices.Contains(e.Codes, code) {
			lacks = append(lacks, code)
		}
	}
	for _, code := range e.Codes {
		if !slices.Contains(x.Codes, code) {
			adds = append(adds, code)
		}
	}
	if len(lacks) > 0 {
		c.add("%s: codes: pyx12 also %s", at, strings.Join(lacks, ","))
	}
	if len(adds) > 0 {
		c.add("%s: codes: ours also %s", at, strings.Join(adds, ","))
	}
}

// checkDiffs fails for each difference not in knownDifferences, and for each
// known difference of prefix that no longer occurs.
func checkDiffs(t *testing.T, prefix string, diffs []string) {
	t.Helper()
	seen := make(map[string]bool)
	for _, d := range diffs {
		seen[d] = true
		if _, ok := knownDifferences[d]; !ok {
			t.Errorf("%s", d)
		}
	}
	for d := range knownDifferences {
		if strings.HasPrefix(d, prefix+" ") && !seen[d] {
			t.Errorf("known difference no longer occurs (remove it): %s", d)
		}
	}
}

func TestConformance(t *testing.T) {
	dataEle := loadDataEle(t)
	for _, m := range conformanceMaps {
		t.Run(m.st01+"_"+m.version, func(t *testing.T) {
			ours, ok := Lookup(m.st01, m.version)
			if !ok {
				t.Skipf("no table for %s %s yet (%s)", m.st01, m.version, m.table)
			}
			root := loadMap(t, m.file)
			st := stLoop(root)
			if st == nil {
				t.Fatalf("%s: no ST_LOOP", m.file)
			}
			c := &comparer{prefix: m.st01 + " " + m.version, dataEle: dataEle, flattenHL: m.flattenHL}
			c.loop("ST", &ours.Root, st)
			checkDiffs(t, c.prefix, c.diffs)
		})
	}
}

// TestConformanceEnvelope compares the envelope segments with pyx12's control
// map. Only the segments are compared: pyx12 places TA1 after the functional
// groups, X12 before them.
func TestConformanceEnvelope(t *testing.T) {
	dataEle := loadDataEle(t)
	root := loadMap(t, "x12.control.00501.xml")
	c := &comparer{prefix: "envelope", dataEle: dataEle}
	var walk func(n *xNode)
	found := make(map[string]bool)
	walk = func(n *xNode) {
		for i := range n.Children {
			x := &n.Children[i]
			switch x.kind() {
			case "loop":
				walk(x)
			case "segment":
				s, ok := EnvelopeSegment(x.XID)
				if !ok {
					c.add("%s: not in ours", x.XID)
					continue
				}
				found[x.XID] = true
				c.segment("", s, x)
			}
		}
	}
	walk(root)
	for _, id := range []string{"ISA", "GS", "GE", "TA1", "IEA"} {
		if !found[id] {
			t.Errorf("pyx12's control map has no %s segment", id)
		}
	}
	checkDiffs(t, "envelope", c.diffs)
}

// TestComparer checks that the comparison names each kind of difference, on
// a small table and a small pyx12-style map.
func TestComparer(t *testing.T) {
	const table = `transaction 837 A "T"
segment ST R 1
  ST01 R codes=837
  ST02 R
loop 2010AA R 1
  segment NM1 R 1
    NM101 R key codes=85
    NM102 S max=35
end
loop 2400 S 50
  segment SV1 R 1
    SV101 R
    SV101-1 R codes=HC,ER
    SV102 S
end
loop 2010AB S 1
  segment NM1 R 1
    NM101 R key codes=87
end
segment SE R 1
  SE01 R
  SE02 R
`
	const xmlMap = `<transaction xid="X">
<loop xid="ST_LOOP" type="explicit"><usage>R</usage><repeat>&gt;1</repeat>
  <segment xid="ST"><usage>R</usage><max_use>1</max_use>
    <element xid="ST01"><data_ele>143</data_ele><usage>R</usage><seq>01</seq><valid_codes><code>837</code></valid_codes></element>
    <element xid="ST02"><data_ele>329</data_ele><usage>R</usage><seq>02</seq></element>
    <element xid="ST03"><data_ele>1705</data_ele><usage>S</usage><seq>03</seq></element>
  </segment>
  <loop xid="HEADER" type="wrapper"><usage>R</usage>
    <loop xid="2010AB"><usage>S</usage><repeat>1</repeat>
      <segment xid="NM1"><usage>R</usage><max_use>1</max_use>
        <element xid="NM101"><data_ele>98</data_ele><usage>R</usage><seq>01</seq><valid_codes><code>87</code></valid_codes></element>
      </segment>
    </loop>
    <loop xid="2010AA"><usage>R</usage><repeat>1</repeat>
      <segment xid="NM1"><usage>R</usage><max_use>2</max_use>
        <element xid="NM101"><data_ele>98</data_ele><usage>R</usage><seq>01</seq><valid_codes><code>85</code></valid_codes></element>
        <element xid="NM102"><data_ele>1035</data_ele><usage>R</usage><seq>02</seq></element>
      </segment>
    </loop>
  </loop>
  <loop xid="2400"><usage>S</usage><repeat>&gt;1</repeat>
    <segment xid="SV1"><usage>R</usage><max_use>1</max_use>
      <composite><data_ele>C003</data_ele><usage>R</usage><seq>01</seq>
        <element xid="SV101-1"><data_ele>235</data_ele><usage>R</usage><seq>01</seq><valid_codes><code>HC</code><code>WK</code></valid_codes></element>
      </composite>
      <element xid="SV102"><data_ele>380</data_ele><usage>S</usage><seq>02</seq></element>
    </segment>
    <segment xid="DTP"><usage>S</usage><max_use>1</max_use></segment>
    <segment xid="LX"><usage>N</usage><max_use>1</max_use></segment>
  </loop>
  <segment xid="SE"><usage>R</usage><max_use>1</max_use>
    <element xid="SE01"><data_ele>96</data_ele><usage>R</usage><seq>01</seq></element>
    <element xid="SE02"><data_ele>329</data_ele><usage>R</usage><seq>02</seq></element>
  </segment>
</loop>
</transaction>`
	set, err := compileText(testDict, table)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := set.Lookup("837", "A")
	var root xNode
	if err := xml.Unmarshal([]byte(xmlMap), &root); err != nil {
		t.Fatal(err)
	}
	dataEle := map[string]xDataEle{
		"1035": {Num: "1035", Type: "AN", Min: 1, Max: 60},
		"380":  {Num: "380", Type: "R", Min: 1, Max: 15},
	}
	c := &comparer{prefix: "837 A", dataEle: dataEle}
	c.loop("ST", &tr.Root, stLoop(&root))
	want := []string{
		"837 A ST: loop 2010AB out of order: ours child 4, pyx12 child 2",
		"837 A ST ST[837] ST03: usage ours N, pyx12 S",
		"837 A ST/2010AA NM1[85]: max use ours 1, pyx12 2",
		"837 A ST/2010AA NM1[85] NM102: usage ours S, pyx12 R",
		"837 A ST/2010AA NM1[85] NM102: length ours 1-35, pyx12 1-60",
		"837 A ST/2400: repeat ours 50, pyx12 >1",
		"837 A ST/2400 SV1[HC] SV101 SV101-1: codes: pyx12 also WK",
		"837 A ST/2400 SV1[HC] SV101 SV101-1: codes: ours also ER",
		"837 A ST/2400: segment DTP missing from ours",
	}
	if diff := cmp.Diff(want, c.diffs); diff != "" {
		t.Errorf("differences mismatch (-want +got):\n%s", diff)
	}
}

// TestComparerNormalizes checks the two repairs of pyx12's X212 map: SE after
// the ST loop, and HL loops nested differently from ours.
func TestComparerNormalizes(t *testing.T) {
	const dict = testDict + `element 628 AN 1 12 "Hierarchical ID Number"
segment HL "Hierarchical Level" 628
`
	const table = `transaction 277 A "T"
segment ST R 1
  ST01 R codes=277
loop 2000A R >1
  segment HL R 1
    HL01 R
  loop 2000B R >1
    segment HL R 1
      HL01 R
    loop 2000C S >1
      segment HL R 1
        HL01 R
    end
  end
end
segment SE R 1
`
	const xmlMap = `<transaction xid="X"><loop xid="GS_LOOP">
<loop xid="ST_LOOP" type="explicit"><usage>R</usage>
  <segment xid="ST"><usage>R</usage><max_use>1</max_use>
    <element xid="ST01"><data_ele>143</data_ele><usage>R</usage><seq>01</seq><valid_codes><code>277</code></valid_codes></element>
  </segment>
  <loop xid="2000A"><usage>R</usage><repeat>&gt;1</repeat>
    <segment xid="HL"><usage>R</usage><max_use>1</max_use><element xid="HL01"><data_ele>628</data_ele><usage>R</usage><seq>01</seq></element></segment>
    <loop xid="2000B"><usage>R</usage><repeat>&gt;1</repeat>
      <segment xid="HL"><usage>R</usage><max_use>1</max_use><element xid="HL01"><data_ele>628</data_ele><usage>R</usage><seq>01</seq></element></segment>
    </loop>
  </loop>
  <loop xid="AREA" type="wrapper">
    <loop xid="2000C"><usage>R</usage><repeat>&gt;1</repeat>
      <segment xid="HL"><usage>R</usage><max_use>1</max_use><element xid="HL01"><data_ele>628</data_ele><usage>R</usage><seq>01</seq></element></segment>
    </loop>
  </loop>
</loop>
<loop xid="AREA3" type="wrapper"><segment xid="SE"><usage>R</usage><max_use>1</max_use></segment></loop>
</loop></transaction>`
	set, err := compileText(dict, table)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := set.Lookup("277", "A")
	var root xNode
	if err := xml.Unmarshal([]byte(xmlMap), &root); err != nil {
		t.Fatal(err)
	}
	for _, flattenHL := range []bool{false, true} {
		c := &comparer{prefix: "277 A", flattenHL: flattenHL}
		c.loop("ST", &tr.Root, stLoop(&root))
		var want []string
		if !flattenHL {
			want = []string{
				"277 A ST/2000A/2000B: loop 2000C not in pyx12",
				"277 A ST: loop 2000C missing from ours",
			}
		} else {
			want = []string{"277 A ST/2000C: usage ours S, pyx12 R"}
		}
		if diff := cmp.Diff(want, c.diffs); diff != "" {
			t.Errorf("flattenHL=%t: differences mismatch (-want +got):\n%s", flattenHL, diff)
		}
	}
}
