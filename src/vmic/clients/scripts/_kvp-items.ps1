# The {Name, Data} objects of KVP items, each an embedded Msvm_KvpExchangeDataItem instance
# in XML. Objects, not JSON: a JSON array read back by ConvertFrom-Json would arrive as one
# object on Windows PowerShell 5.1 (PowerShell issue #3424).
function vmicKvpItems($vmicTexts) {
    foreach ($vmicText in @($vmicTexts)) {
        if ([string]::IsNullOrEmpty($vmicText)) { continue }
        $vmicXml = [xml]$vmicText
        $vmicName = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Name']/VALUE")
        $vmicData = $vmicXml.SelectSingleNode("/INSTANCE/PROPERTY[@NAME='Data']/VALUE")
        if ($null -ne $vmicName) {
            $vmicValue = ''
            if ($null -ne $vmicData) { $vmicValue = $vmicData.InnerText }
            [pscustomobject]@{ Name = $vmicName.InnerText; Data = $vmicValue }
        }
    }
}
