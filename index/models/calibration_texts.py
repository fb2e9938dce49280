"""Passages the int8 export runs through the float model to decide which MatMuls stay in float32.

Policy prose of the kinds policyqa indexes (statutes, executive orders, analysis, transcripts), English and Korean,
short and long, plus a few queries. Data only; `index.models.int8_calibration` uses them.
"""

from __future__ import annotations

PASSAGES: tuple[str, ...] = (
    "Sec. 104. Sanctions. (a) The President shall impose the sanctions described in subsection (c) with respect to "
    "any person that the President determines knowingly imports, exports, or reexports to, into, or from the "
    "jurisdiction of another country any goods, services, or technology controlled for export, or knowingly "
    "provides significant financial services for such a transaction. (b) The President may waive the application "
    "of sanctions under this section for periods not to exceed 180 days if the President certifies to the "
    "appropriate congressional committees that the waiver is important to the national security interests.",
    "Executive Order: Blocking Property of Additional Persons. All property and interests in property that are in "
    "the United States, that hereafter come within the United States, or that are or hereafter come within the "
    "possession or control of any United States person, including any foreign branch, of the following persons "
    "are blocked and may not be transferred, paid, exported, withdrawn, or otherwise dealt in.",
    "The Secretary of State, in consultation with the Secretary of the Treasury, shall submit to Congress, not later "
    "than 90 days after the date of enactment of this Act and annually thereafter, a report describing the "
    "implementation of this title, including the number of designations made, the licenses issued, and any "
    "humanitarian exemptions granted.",
    "Definitions. In this chapter: (1) The term 'financial institution' means a depository institution, a broker "
    "or dealer in securities, an insurance company, or any other entity providing financial services. (2) The "
    "term 'knowingly', with respect to conduct, a circumstance, or a result, means that a person has actual "
    "knowledge, or should have known, of the conduct, the circumstance, or the result.",
    "Penalties: a person who willfully violates, attempts to violate, conspires to violate, or causes a violation "
    "of any regulation issued under this part shall, upon conviction, be fined not more than $1,000,000, or "
    "imprisoned for not more than 20 years, or both.",
    "Sanctions relief is rarely all or nothing. Analysts who studied earlier negotiations argue that lifting "
    "secondary sanctions on third-country banks would matter more to the economy than easing the import bans, "
    "because the banks decide whether trade can be paid for at all. The report recommends phased relief tied to "
    "verifiable steps, with snap-back provisions written into the agreement from the start.",
    "Panel discussion transcript. MODERATOR: Let's turn to humanitarian exemptions. How long does a request take "
    "today? PANELIST: In our experience, anywhere from three weeks to four months. The committee has improved "
    "its guidance, but banks still hesitate to process payments even when an exemption has been granted, so "
    "deliveries of medical supplies are delayed.",
    "2019 Annual Report, Table 3: exports of coal, iron and iron ore, seafood and textiles fell by 88 percent "
    "compared with 2016; refined petroleum imports remained above the cap of 500,000 barrels per year according "
    "to estimates based on ship-to-ship transfers observed in the East China Sea.",
    "제1조(목적) 이 법은 군사분계선 이남지역과 그 이북지역 간의 상호 교류와 협력을 촉진하기 위하여 필요한 사항을 "
    "규정함으로써 한반도의 평화와 통일에 이바지하는 것을 목적으로 한다.",
    "제9조(방문 승인) ① 남한의 주민이 북한을 방문하려면 대통령령으로 정하는 바에 따라 통일부장관의 방문승인을 받아야 "
    "하며, 통일부장관이 발급한 증명서를 소지하여야 한다. ② 통일부장관은 제1항에 따른 방문승인을 할 때 국가안전보장, "
    "질서유지 또는 공공복리를 해칠 명백한 우려가 있는 경우에는 승인을 하지 아니할 수 있다.",
    "제8조(기금의 용도) 기금은 다음 각 호의 사업에 사용한다. 1. 남북한 주민의 왕래에 필요한 비용의 전부 또는 일부의 "
    "지원 2. 문화, 학술, 체육 분야 협력사업에 필요한 자금의 전부 또는 일부의 지원 3. 교역 및 경제 분야 협력사업을 "
    "촉진하기 위한 보증 및 자금의 융자 4. 그 밖에 민족공동체 회복을 위한 사업으로서 대통령령으로 정하는 사업",
    "제27조(벌칙) 다음 각 호의 어느 하나에 해당하는 자는 3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다. 1. 제9조"
    "제1항에 따른 방문승인을 받지 아니하고 북한을 방문한 자 2. 거짓이나 그 밖의 부정한 방법으로 승인을 받은 자",
    "정부는 북한이탈주민의 정착을 지원하기 위하여 주거, 취업, 교육 및 의료 분야의 지원 계획을 5년마다 수립하고, "
    "그 추진 실적을 매년 국회에 보고하여야 한다. 지원 기간은 거주지 전입일부터 5년으로 하되, 필요한 경우 연장할 수 있다.",
    "세미나 발제문: 제재 면제 절차가 개선되었지만 인도적 지원 단체들은 여전히 송금 경로를 확보하지 못해 물자 반입이 "
    "지연되고 있다고 지적하였다. 발제자는 유엔 안보리 대북제재위원회의 면제 심사 기간을 단축할 것을 제안하였다.",
    "Who may waive the sanctions for humanitarian reasons?",
    "남북협력기금은 어디에 사용할 수 있나요?",
)
