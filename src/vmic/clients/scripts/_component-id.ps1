# A component's GUID is the end of its Id ("Microsoft:<VM id>\<component GUID>"): services are
# matched by it, never by the name the host shows in its own language.
function vmicComponentGuid($vmicComponent) {
    ($vmicComponent.Id -split '\\')[-1].ToUpperInvariant()
}
