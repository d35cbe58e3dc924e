<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>AnalyzeView</name>
    <message>
        <source>New here? Try Sentido on an example review, or analyse a whole folder of them.</source>
        <translation>¿Primera vez? Prueba Sentido con una reseña de ejemplo o analiza una carpeta entera.</translation>
    </message>
    <message>
        <source>Example review</source>
        <translation>Reseña de ejemplo</translation>
    </message>
    <message>
        <source>Put an example movie review in the text area (Ctrl+E)</source>
        <translation>Poner una reseña de película de ejemplo en el área de texto (Ctrl+E)</translation>
    </message>
    <message>
        <source>Example batch folder</source>
        <translation>Carpeta de lote de ejemplo</translation>
    </message>
    <message>
        <source>Open the Batch view with the example folder of reviews added</source>
        <translation>Abrir la vista Lotes con la carpeta de reseñas de ejemplo ya añadida</translation>
    </message>
    <message>
        <source>Hide this message</source>
        <translation>Ocultar este mensaje</translation>
    </message>
    <message>
        <source>Type, paste or drop a text file here. The analysis follows as you type.</source>
        <translation>Escribe, pega o arrastra aquí un archivo de texto. El análisis sigue lo que escribes.</translation>
    </message>
    <message>
        <source>Text to analyse</source>
        <translation>Texto que analizar</translation>
    </message>
    <message>
        <source>Next words:</source>
        <translation>Siguientes palabras:</translation>
    </message>
    <message>
        <source>Insert this word (%1)</source>
        <translation>Insertar esta palabra (%1)</translation>
    </message>
    <message>
        <source>Time the models took for the last update (only new words are read)</source>
        <translation>Tiempo que tardaron los modelos en la última actualización (solo se leen las palabras nuevas)</translation>
    </message>
    <message>
        <source>Continue the text</source>
        <translation>Continuar el texto</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <source>Suggest continuations by beam search (Ctrl+Return)</source>
        <translation>Sugerir continuaciones mediante búsqueda en haz (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>How many hypotheses beam search keeps at each step</source>
        <translation>Cuántas hipótesis conserva la búsqueda en haz en cada paso</translation>
    </message>
    <message>
        <source>Longest continuation, in words</source>
        <translation>Longitud máxima de la continuación, en palabras</translation>
    </message>
    <message>
        <source>Click a continuation (or press Enter on it) to insert it</source>
        <translation>Haz clic en una continuación (o pulsa Intro sobre ella) para insertarla</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>Tick several models to compare them side by side</source>
        <translation>Marca varios modelos para compararlos en paralelo</translation>
    </message>
    <message>
        <source>Beam &amp;width</source>
        <translation>Anchura del &amp;haz</translation>
    </message>
    <message>
        <source>Details in Inside the model</source>
        <translation>Detalles en Dentro del modelo</translation>
    </message>
    <message>
        <source>Attributions, the prediction along the text and more, for the same text</source>
        <translation>Atribuciones, la predicción a lo largo del texto y más, para el mismo texto</translation>
    </message>
    <message>
        <source>W&amp;ords</source>
        <translation>Pala&amp;bras</translation>
    </message>
    <message>
        <source>Continuations</source>
        <translation>Continuaciones</translation>
    </message>
    <message>
        <source>Sentiment models to compare</source>
        <translation>Modelos de sentimiento que comparar</translation>
    </message>
    <message>
        <source>&amp;Next-word model</source>
        <translation>Modelo de palabra &amp;siguiente</translation>
    </message>
    <message>
        <source>The language model that suggests next words and continuations</source>
        <translation>El modelo de lenguaje que sugiere las palabras siguientes y las continuaciones</translation>
    </message>
    <message>
        <source>Why this label?</source>
        <translation>¿Por qué esta etiqueta?</translation>
    </message>
    <message>
        <source>Show which words pushed the first model toward its label (Ctrl+I)</source>
        <translation>Mostrar qué palabras empujaron al primer modelo hacia su etiqueta (Ctrl+I)</translation>
    </message>
    <message>
        <source>No sentiment model is installed yet. Load one in Models &amp; plugins (Ctrl+L), or train one with &lt;code&gt;sentido train&lt;/code&gt;.</source>
        <translation>Aún no hay ningún modelo de sentimiento instalado. Carga uno en Modelos y complementos (Ctrl+L) o entrena uno con &lt;code&gt;sentido train&lt;/code&gt;.</translation>
    </message>
    <message>
        <source>Sentence</source>
        <translation>Frase</translation>
    </message>
    <message>
        <source>Each sentence scored on its own; double-click to select it in the text</source>
        <translation>Cada frase puntuada por separado; doble clic para seleccionarla en el texto</translation>
    </message>
    <message>
        <source>Sentence by sentence</source>
        <translation>Frase a frase</translation>
    </message>
    <message>
        <source>Type or paste some text.</source>
        <translation>Escribe o pega un texto.</translation>
    </message>
    <message>
        <source>analysed in %1 ms</source>
        <translation>analizado en %1 ms</translation>
    </message>
    <message>
        <source>models loaded in %1 ms</source>
        <translation>modelos cargados en %1 ms</translation>
    </message>
    <message>
        <source>Finding the words that drove %1…</source>
        <translation>Buscando las palabras que guiaron a %1…</translation>
    </message>
    <message>
        <source>No explanation: %1</source>
        <translation>Sin explicación: %1</translation>
    </message>
    <message>
        <source>%1 says %2. Green words pushed it toward positive, red ones toward negative; stronger colour, stronger push (integrated gradients). Typing clears the colours.</source>
        <translation>%1 dice %2. Las palabras verdes lo empujaron hacia positivo, las rojas hacia negativo; cuanto más intenso el color, mayor el empuje (gradientes integrados). Al escribir se borran los colores.</translation>
    </message>
    <message>
        <source>%1 says %2. Green words pushed it toward %2, red ones away from it; stronger colour, stronger push (integrated gradients). Typing clears the colours.</source>
        <translation>%1 dice %2. Las palabras verdes lo empujaron hacia %2, las rojas lo alejaron; cuanto más intenso el color, mayor el empuje (gradientes integrados). Al escribir se borran los colores.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Buscando…</translation>
    </message>
    <message>
        <source>…%1    score %2</source>
        <translation>…%1    puntuación %2</translation>
    </message>
    <message>
        <source>log-probability %1, per word %2</source>
        <translation>log-probabilidad %1, por palabra %2</translation>
    </message>
    <message>
        <source>Open a text file</source>
        <translation>Abrir un archivo de texto</translation>
    </message>
    <message>
        <source>Text files (*.txt *.md *.csv);;All files (*)</source>
        <translation>Archivos de texto (*.txt *.md *.csv);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>&amp;Open text file…</source>
        <translation>&amp;Abrir archivo de texto…</translation>
    </message>
    <message>
        <source>Open a text file in the Analyze view</source>
        <translation>Abrir un archivo de texto en la vista Analizar</translation>
    </message>
    <message>
        <source>Example &amp;review</source>
        <translation>&amp;Reseña de ejemplo</translation>
    </message>
    <message>
        <source>&amp;Continue text</source>
        <translation>&amp;Continuar el texto</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <source>Label counts appear here when a batch ends.</source>
        <translation>El recuento de etiquetas aparece aquí al terminar un lote.</translation>
    </message>
</context>
<context>
    <name>BatchView</name>
    <message>
        <source>Input files and folders</source>
        <translation>Archivos y carpetas de entrada</translation>
    </message>
    <message>
        <source>Text, CSV/TSV and JSONL files, or folders of them; drop them here</source>
        <translation>Archivos de texto, CSV/TSV y JSONL, o carpetas que los contengan; arrástralos aquí</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>Añadir archivos…</translation>
    </message>
    <message>
        <source>Add text, CSV or JSONL files (Ctrl+Shift+O)</source>
        <translation>Añadir archivos de texto, CSV o JSONL (Ctrl+Mayús+O)</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Añadir carpeta…</translation>
    </message>
    <message>
        <source>Add every supported file in a folder and its sub-folders</source>
        <translation>Añadir todos los archivos compatibles de una carpeta y sus subcarpetas</translation>
    </message>
    <message>
        <source>Example folder</source>
        <translation>Carpeta de ejemplo</translation>
    </message>
    <message>
        <source>Add the example folder of reviews that ships with Sentido</source>
        <translation>Añadir la carpeta de reseñas de ejemplo que incluye Sentido</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Remove the selected inputs from the list (Delete)</source>
        <translation>Quitar de la lista las entradas seleccionadas (Supr)</translation>
    </message>
    <message>
        <source>How</source>
        <translation>Cómo</translation>
    </message>
    <message>
        <source>Which CSV column or JSONL field holds the text</source>
        <translation>Qué columna CSV o campo JSONL contiene el texto</translation>
    </message>
    <message>
        <source>(automatic)</source>
        <translation>(automática)</translation>
    </message>
    <message>
        <source>Text column</source>
        <translation>Columna de texto</translation>
    </message>
    <message>
        <source>The column each table is read from; choose another above</source>
        <translation>La columna de la que se lee cada tabla; elija otra arriba</translation>
    </message>
    <message>
        <source>One text per line in .txt files</source>
        <translation>Un texto por línea en archivos .txt</translation>
    </message>
    <message>
        <source>Otherwise each .txt file is one document</source>
        <translation>Si no, cada archivo .txt es un documento</translation>
    </message>
    <message>
        <source>Tick the models to run; each adds one row per text</source>
        <translation>Marca los modelos que ejecutar; cada uno añade una fila por texto</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>Full precision (float32) is the reference. int8 (CPU) and half precision (bfloat16 on CPUs that have it, float16 on a GPU) run faster and change accuracy by a few tenths of a point at most (measured: docs/batch.md)</source>
        <translation>La precisión completa (float32) es la referencia. int8 (CPU) y la media precisión (bfloat16 en las CPU que lo tienen, float16 en una GPU) son más rápidas y cambian la exactitud unas décimas de punto como mucho (medido: docs/batch.md)</translation>
    </message>
    <message>
        <source>Full (float32)</source>
        <translation>Completa (float32)</translation>
    </message>
    <message>
        <source>int8, quantized (CPU)</source>
        <translation>int8, cuantizada (CPU)</translation>
    </message>
    <message>
        <source>Half (bfloat16 or float16)</source>
        <translation>Media (bfloat16 o float16)</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Precisión</translation>
    </message>
    <message>
        <source>results.csv</source>
        <translation>resultados.csv</translation>
    </message>
    <message>
        <source>Where the results are written</source>
        <translation>Dónde se escriben los resultados</translation>
    </message>
    <message>
        <source>Output format</source>
        <translation>Formato de salida</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Choose the output file</source>
        <translation>Elegir el archivo de salida</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Salida</translation>
    </message>
    <message>
        <source>Resume an interrupted run into this output</source>
        <translation>Reanudar una ejecución interrumpida en esta salida</translation>
    </message>
    <message>
        <source>Skip what an earlier, cancelled run already wrote</source>
        <translation>Omitir lo que ya escribió una ejecución anterior cancelada</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Iniciar</translation>
    </message>
    <message>
        <source>Run the batch (Ctrl+R)</source>
        <translation>Ejecutar el lote (Ctrl+R)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Stop after the current chunk, keeping what was written (Esc)</source>
        <translation>Detener tras el bloque actual, conservando lo ya escrito (Esc)</translation>
    </message>
    <message>
        <source>Open results</source>
        <translation>Abrir resultados</translation>
    </message>
    <message>
        <source>Open the results file with the system&apos;s default application</source>
        <translation>Abrir el archivo de resultados con la aplicación predeterminada del sistema</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Archivos</translation>
    </message>
    <message>
        <source>Texts read</source>
        <translation>Textos leídos</translation>
    </message>
    <message>
        <source>Texts/s</source>
        <translation>Textos/s</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Tiempo restante</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Add &amp;files to batch…</source>
        <translation>Añadir &amp;archivos al lote…</translation>
    </message>
    <message>
        <source>&amp;Start batch</source>
        <translation>&amp;Iniciar lote</translation>
    </message>
    <message>
        <source>&amp;Cancel batch</source>
        <translation>&amp;Cancelar lote</translation>
    </message>
    <message>
        <source>The example folder is missing from this installation.</source>
        <translation>Falta la carpeta de ejemplo en esta instalación.</translation>
    </message>
    <message>
        <source>Add files</source>
        <translation>Añadir archivos</translation>
    </message>
    <message>
        <source>Texts and tables (*.txt *.md *.csv *.tsv *.jsonl *.ndjson *.gz);;All files (*)</source>
        <translation>Textos y tablas (*.txt *.md *.csv *.tsv *.jsonl *.ndjson *.gz);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Add a folder</source>
        <translation>Añadir una carpeta</translation>
    </message>
    <message>
        <source>Save results as</source>
        <translation>Guardar resultados como</translation>
    </message>
    <message>
        <source>Results (*%1)</source>
        <translation>Resultados (*%1)</translation>
    </message>
    <message>
        <source>%1: no text column (%2)</source>
        <translation>%1: sin columna de texto (%2)</translation>
    </message>
    <message>
        <source>%1: has no column %2; it will be skipped</source>
        <translation>%1: no tiene la columna %2; se omitirá</translation>
    </message>
    <message>
        <source>%1: %2 (chosen by you)</source>
        <translation>%1: %2 (elegida por usted)</translation>
    </message>
    <message>
        <source>%1: %2 (automatic: longest prose)</source>
        <translation>%1: %2 (automática: el texto más largo)</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>aviso: %1</translation>
    </message>
    <message>
        <source>Add at least one file or folder.</source>
        <translation>Añade al menos un archivo o una carpeta.</translation>
    </message>
    <message>
        <source>Tick at least one model.</source>
        <translation>Marca al menos un modelo.</translation>
    </message>
    <message>
        <source>Choose an output file.</source>
        <translation>Elige un archivo de salida.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Empezando…</translation>
    </message>
    <message>
        <source>Cancelling: finishing the current chunk…</source>
        <translation>Cancelando: terminando el bloque actual…</translation>
    </message>
    <message>
        <source>Reading %1</source>
        <translation>Leyendo %1</translation>
    </message>
    <message>
        <source>done</source>
        <translation>hecho</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>en curso…</translation>
    </message>
    <message>
        <source>skipped: %1</source>
        <translation>omitido: %1</translation>
    </message>
    <message>
        <source>Cancelled: %1 rows kept in %2.</source>
        <translation>Cancelado: %1 filas conservadas en %2.</translation>
    </message>
    <message>
        <source>Cancelled: 1 row kept in %2.</source>
        <translation>Cancelado: 1 fila conservada en %2.</translation>
    </message>
    <message>
        <source>Done: %1 rows written to %2.</source>
        <translation>Hecho: %1 filas escritas en %2.</translation>
    </message>
    <message>
        <source>Done: 1 row written to %2.</source>
        <translation>Hecho: 1 fila escrita en %2.</translation>
    </message>
    <message>
        <source>%1 s.</source>
        <translation>%1 s.</translation>
    </message>
    <message>
        <source>1 file skipped (see the list).</source>
        <translation>1 archivo omitido (ver la lista).</translation>
    </message>
    <message>
        <source>%1 files skipped (see the list).</source>
        <translation>%1 archivos omitidos (ver la lista).</translation>
    </message>
    <message>
        <source>Problems are listed in %1.</source>
        <translation>Los problemas se enumeran en %1.</translation>
    </message>
    <message>
        <source>The batch failed.</source>
        <translation>El lote ha fallado.</translation>
    </message>
</context>
<context>
    <name>BeamPage</name>
    <message>
        <source>A next-word (language) model</source>
        <translation>Un modelo de palabra siguiente (de lenguaje)</translation>
    </message>
    <message>
        <source>The start of a sentence</source>
        <translation>El comienzo de una frase</translation>
    </message>
    <message>
        <source>Beam width: how many hypotheses survive each step</source>
        <translation>Anchura del haz: cuántas hipótesis sobreviven a cada paso</translation>
    </message>
    <message>
        <source>How many words to add</source>
        <translation>Cuántas palabras añadir</translation>
    </message>
    <message>
        <source>How many next words to show at each step</source>
        <translation>Cuántas palabras siguientes mostrar en cada paso</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>Bu&amp;scar</translation>
    </message>
    <message>
        <source>Continuation</source>
        <translation>Continuación</translation>
    </message>
    <message>
        <source>Log-probability</source>
        <translation>Log-probabilidad</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modelo:</translation>
    </message>
    <message>
        <source>Beam width:</source>
        <translation>Anchura del haz:</translation>
    </message>
    <message>
        <source>Words:</source>
        <translation>Palabras:</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>Top-k:</translation>
    </message>
    <message>
        <source>No next-word model is installed.</source>
        <translation>No hay ningún modelo de palabra siguiente instalado.</translation>
    </message>
    <message>
        <source>{0} hypotheses considered, {1} pruned.</source>
        <translation>{0} hipótesis consideradas, {1} podadas.</translation>
    </message>
</context>
<context>
    <name>ExplainPage</name>
    <message>
        <source>The sentiment (or other classification) model to explain</source>
        <translation>El modelo de sentimiento (u otra clasificación) que explicar</translation>
    </message>
    <message>
        <source>Integrated gradients</source>
        <translation>Gradientes integrados</translation>
    </message>
    <message>
        <source>Occlusion (leave one word out)</source>
        <translation>Oclusión (quitar una palabra cada vez)</translation>
    </message>
    <message>
        <source>How each word&apos;s push is measured (see the guide)</source>
        <translation>Cómo se mide el empuje de cada palabra (consulta la guía)</translation>
    </message>
    <message>
        <source>Type or paste a text to explain</source>
        <translation>Escribe o pega un texto que explicar</translation>
    </message>
    <message>
        <source>Use the Analyze text</source>
        <translation>Usar el texto de Analizar</translation>
    </message>
    <message>
        <source>Copy the text from the Analyze view</source>
        <translation>Copiar el texto de la vista Analizar</translation>
    </message>
    <message>
        <source>&amp;Explain</source>
        <translation>E&amp;xplicar</translation>
    </message>
    <message>
        <source>Colour by: word&apos;s push</source>
        <translation>Color según: empuje de la palabra</translation>
    </message>
    <message>
        <source>Colour by: attention weight</source>
        <translation>Color según: peso de atención</translation>
    </message>
    <message>
        <source>Attention is available when the model pools with attention</source>
        <translation>La atención está disponible cuando el modelo usa pooling de atención</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modelo:</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Método:</translation>
    </message>
    <message>
        <source>Type a text first.</source>
        <translation>Escribe antes un texto.</translation>
    </message>
    <message>
        <source>The model knows none of these words.</source>
        <translation>El modelo no conoce ninguna de estas palabras.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; {1:.0%} · {2}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; {1:.0%} · {2}</translation>
    </message>
    <message>
        <source>Top: each word&apos;s push toward “{0}”. Bottom: the prediction after every word, so you can see where the text turns.</source>
        <translation>Arriba: el empuje de cada palabra hacia «{0}». Abajo: la predicción tras cada palabra, para ver dónde cambia el texto.</translation>
    </message>
</context>
<context>
    <name>GatesPage</name>
    <message>
        <source>An LSTM or GRU shows its gates; a plain RNN only its hidden state</source>
        <translation>Una LSTM o GRU muestra sus puertas; una RNN simple, solo su estado oculto</translation>
    </message>
    <message>
        <source>Which recurrent layer (1 = nearest the words)</source>
        <translation>Qué capa recurrente (1 = la más cercana a las palabras)</translation>
    </message>
    <message>
        <source>A text to trace through the gates</source>
        <translation>Un texto que seguir a través de las puertas</translation>
    </message>
    <message>
        <source>&amp;Show gates</source>
        <translation>Mo&amp;strar puertas</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modelo:</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>Capa:</translation>
    </message>
    <message>
        <source>No recurrent model is installed.</source>
        <translation>No hay ningún modelo recurrente instalado.</translation>
    </message>
    <message>
        <source>Type a text first.</source>
        <translation>Escribe antes un texto.</translation>
    </message>
    <message>
        <source>Forget gate near 1 (yellow): the cell keeps its memory; input gate: how much of the new word is written; output gate: how much of the cell is shown.</source>
        <translation>Puerta de olvido cerca de 1 (amarillo): la celda conserva su memoria; puerta de entrada: cuánto de la palabra nueva se escribe; puerta de salida: cuánto de la celda se muestra.</translation>
    </message>
    <message>
        <source>Update gate near 1: the unit keeps its old state; reset gate near 0: it ignores the old state when proposing the new one.</source>
        <translation>Puerta de actualización cerca de 1: la unidad conserva su estado anterior; puerta de reinicio cerca de 0: ignora el estado anterior al proponer el nuevo.</translation>
    </message>
    <message>
        <source>A plain RNN has no gates: only its hidden state, rewritten at every word.</source>
        <translation>Una RNN simple no tiene puertas: solo su estado oculto, que se reescribe en cada palabra.</translation>
    </message>
</context>
<context>
    <name>InsideView</name>
    <message>
        <source>The plots need matplotlib: pip install &apos;sentido[gui]&apos; ({0})</source>
        <translation>Los gráficos necesitan matplotlib: pip install &apos;sentido[gui]&apos; ({0})</translation>
    </message>
    <message>
        <source>Unavailable</source>
        <translation>No disponible</translation>
    </message>
    <message>
        <source>&amp;Why this label</source>
        <translation>Por &amp;qué esta etiqueta</translation>
    </message>
    <message>
        <source>Which words pushed toward which label</source>
        <translation>Qué palabras empujaron hacia qué etiqueta</translation>
    </message>
    <message>
        <source>&amp;Memory</source>
        <translation>M&amp;emoria</translation>
    </message>
    <message>
        <source>How far back gradients reach: RNN vs LSTM vs GRU</source>
        <translation>Hasta dónde llegan los gradientes hacia atrás: RNN frente a LSTM frente a GRU</translation>
    </message>
    <message>
        <source>&amp;Gates</source>
        <translation>&amp;Puertas</translation>
    </message>
    <message>
        <source>LSTM and GRU gate activations over the text</source>
        <translation>Activaciones de las puertas de LSTM y GRU a lo largo del texto</translation>
    </message>
    <message>
        <source>&amp;Beam search</source>
        <translation>&amp;Búsqueda en haz</translation>
    </message>
    <message>
        <source>The hypotheses beam search kept and pruned</source>
        <translation>Las hipótesis que la búsqueda en haz conservó y podó</translation>
    </message>
    <message>
        <source>Word &amp;neighbours</source>
        <translation>Palabras veci&amp;nas</translation>
    </message>
    <message>
        <source>Nearest words in an embedding space</source>
        <translation>Palabras más cercanas en un espacio de embeddings</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>attention</source>
        <translation>atención</translation>
    </message>
    <message>
        <source>darker = the attention pooling gave this word more weight</source>
        <translation>más oscuro = el pooling de atención dio más peso a esta palabra</translation>
    </message>
    <message>
        <source>A word&apos;s colour is the label it pushes toward most:</source>
        <translation>El color de una palabra es la etiqueta hacia la que más empuja:</translation>
    </message>
    <message>
        <source>stronger colour = stronger push</source>
        <translation>color más intenso = empuje más fuerte</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Sentido</source>
        <translation>Sentido</translation>
    </message>
    <message>
        <source>&amp;Analyze</source>
        <translation>&amp;Analizar</translation>
    </message>
    <message>
        <source>&amp;Models &amp;&amp; plugins</source>
        <translation>&amp;Modelos y complementos</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Lotes</translation>
    </message>
    <message>
        <source>Loading the Inside the model view…</source>
        <translation>Cargando la vista Dentro del modelo…</translation>
    </message>
    <message>
        <source>&amp;Inside the model</source>
        <translation>&amp;Dentro del modelo</translation>
    </message>
    <message>
        <source>The Inside the model view could not be loaded:
%1</source>
        <translation>No se pudo cargar la vista Dentro del modelo:
%1</translation>
    </message>
    <message>
        <source>Starting the engine…</source>
        <translation>Iniciando el motor…</translation>
    </message>
    <message>
        <source>Where models run (change it in Settings)</source>
        <translation>Dónde se ejecutan los modelos (cámbialo en Preferencias)</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>Ningún modelo cargado</translation>
    </message>
    <message>
        <source>Memory used by Sentido</source>
        <translation>Memoria que usa Sentido</translation>
    </message>
    <message>
        <source>Memory %1 MB</source>
        <translation>Memoria %1 MB</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Trabajando…</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Dispositivo: %1</translation>
    </message>
    <message>
        <source>Loaded: %1</source>
        <translation>Cargados: %1</translation>
    </message>
    <message>
        <source>Saved device unavailable, using automatic: %1</source>
        <translation>El dispositivo guardado no está disponible; se usa el automático: %1</translation>
    </message>
    <message>
        <source>No models installed yet: load a plugin in Models &amp; plugins</source>
        <translation>Aún no hay modelos: carga un complemento en Modelos y complementos</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Preferencias…</translation>
    </message>
    <message>
        <source>Device, batch size and theme</source>
        <translation>Dispositivo, tamaño de lote y tema</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Use the &amp;example folder</source>
        <translation>Usar la carpeta de &amp;ejemplo</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;About Sentido</source>
        <translation>&amp;Acerca de Sentido</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>iniciando</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Sentido %1&lt;/h3&gt;&lt;p&gt;Sentiment and text analysis with recurrent neural networks.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Sentido %1&lt;/h3&gt;&lt;p&gt;Análisis de sentimiento y de texto con redes neuronales recurrentes.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About Sentido</source>
        <translation>Acerca de Sentido</translation>
    </message>
</context>
<context>
    <name>MemoryPage</name>
    <message>
        <source>Tick up to {0} models to compare (best: an RNN, an LSTM and a GRU trained on the same task)</source>
        <translation>Marca hasta {0} modelos que comparar (lo ideal: una RNN, una LSTM y una GRU entrenadas en la misma tarea)</translation>
    </message>
    <message>
        <source>A long sentence shows fading memory best</source>
        <translation>Una frase larga muestra mejor cómo se desvanece la memoria</translation>
    </message>
    <message>
        <source>last word</source>
        <translation>última palabra</translation>
    </message>
    <message>
        <source>The word whose output is differentiated (0 = the last word)</source>
        <translation>La palabra cuya salida se deriva (0 = la última palabra)</translation>
    </message>
    <message>
        <source>Recurrent state</source>
        <translation>Estado recurrente</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>Predicción</translation>
    </message>
    <message>
        <source>Differentiate the hidden state at that word, or the model&apos;s prediction there</source>
        <translation>Derivar el estado oculto en esa palabra o la predicción del modelo en ese punto</translation>
    </message>
    <message>
        <source>&amp;Show memory</source>
        <translation>Mo&amp;strar memoria</translation>
    </message>
    <message>
        <source>Output at word:</source>
        <translation>Salida en la palabra:</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>Salida:</translation>
    </message>
    <message>
        <source>Models (tick up to {0}):</source>
        <translation>Modelos (marca hasta {0}):</translation>
    </message>
    <message>
        <source>Tick at least one model.</source>
        <translation>Marca al menos un modelo.</translation>
    </message>
    <message>
        <source>Tick at most {0} models.</source>
        <translation>Marca como máximo {0} modelos.</translation>
    </message>
    <message>
        <source>Type a text first.</source>
        <translation>Escribe antes un texto.</translation>
    </message>
    <message>
        <source>Log scale: each step down is ten times weaker. The faster the bars fall toward the start, the sooner the model forgets: a plain RNN&apos;s gradient fades geometrically, while a trained LSTM or GRU can carry it far back through its gates.</source>
        <translation>Escala logarítmica: cada escalón hacia abajo es diez veces más débil. Cuanto más deprisa caen las barras hacia el principio, antes olvida el modelo: el gradiente de una RNN simple se desvanece geométricamente, mientras que una LSTM o GRU entrenada puede llevarlo muy atrás a través de sus puertas.</translation>
    </message>
    <message>
        <source>Estimated from 32 random projections for: {0}.</source>
        <translation>Estimado a partir de 32 proyecciones aleatorias para: {0}.</translation>
    </message>
</context>
<context>
    <name>NeighboursPage</name>
    <message>
        <source>A model&apos;s embedding layer, or a word-vector file you opened</source>
        <translation>La capa de embeddings de un modelo o un archivo de vectores de palabras que hayas abierto</translation>
    </message>
    <message>
        <source>&amp;Open vectors…</source>
        <translation>Abri&amp;r vectores…</translation>
    </message>
    <message>
        <source>word2vec (.txt/.bin), GloVe (.txt) or fastText (.vec/.bin) vectors</source>
        <translation>Vectores word2vec (.txt/.bin), GloVe (.txt) o fastText (.vec/.bin)</translation>
    </message>
    <message>
        <source>Detect format</source>
        <translation>Detectar formato</translation>
    </message>
    <message>
        <source>word2vec text</source>
        <translation>word2vec (texto)</translation>
    </message>
    <message>
        <source>word2vec binary</source>
        <translation>word2vec (binario)</translation>
    </message>
    <message>
        <source>GloVe text</source>
        <translation>GloVe (texto)</translation>
    </message>
    <message>
        <source>fastText .bin</source>
        <translation>fastText .bin</translation>
    </message>
    <message>
        <source>all words</source>
        <translation>todas las palabras</translation>
    </message>
    <message>
        <source>Read only the first (most frequent) words of a large file</source>
        <translation>Leer solo las primeras palabras (las más frecuentes) de un archivo grande</translation>
    </message>
    <message>
        <source>a word</source>
        <translation>una palabra</translation>
    </message>
    <message>
        <source>&amp;Find neighbours</source>
        <translation>Bu&amp;scar vecinas</translation>
    </message>
    <message>
        <source>Word</source>
        <translation>Palabra</translation>
    </message>
    <message>
        <source>Cosine similarity</source>
        <translation>Similitud coseno</translation>
    </message>
    <message>
        <source>words to place on the map, separated by commas</source>
        <translation>palabras que situar en el mapa, separadas por comas</translation>
    </message>
    <message>
        <source>Add neighbours</source>
        <translation>Añadir vecinas</translation>
    </message>
    <message>
        <source>Put the word and its neighbours on the map</source>
        <translation>Situar la palabra y sus vecinas en el mapa</translation>
    </message>
    <message>
        <source>&amp;Draw map</source>
        <translation>&amp;Trazar mapa</translation>
    </message>
    <message>
        <source>Space:</source>
        <translation>Espacio:</translation>
    </message>
    <message>
        <source>Words:</source>
        <translation>Palabras:</translation>
    </message>
    <message>
        <source>Word:</source>
        <translation>Palabra:</translation>
    </message>
    <message>
        <source>k:</source>
        <translation>k:</translation>
    </message>
    <message>
        <source>Open word vectors</source>
        <translation>Abrir vectores de palabras</translation>
    </message>
    <message>
        <source>Word vectors (*.txt *.vec *.bin *.gz);;All files (*)</source>
        <translation>Vectores de palabras (*.txt *.vec *.bin *.gz);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>{0}: {1:,} words, {2} dimensions</source>
        <translation>{0}: {1:,} palabras, {2} dimensiones</translation>
    </message>
    <message>
        <source>No model or vector file to look in.</source>
        <translation>No hay ningún modelo ni archivo de vectores en el que buscar.</translation>
    </message>
    <message>
        <source>Type a word first.</source>
        <translation>Escribe antes una palabra.</translation>
    </message>
    <message>
        <source>Not in the vocabulary: {0}</source>
        <translation>No está en el vocabulario: {0}</translation>
    </message>
    <message>
        <source>Words used alike sit close together.</source>
        <translation>Las palabras que se usan de forma parecida quedan cerca unas de otras.</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>{0} (Ctrl+Return)</source>
        <translation>{0} (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>The engine is still starting; try again in a moment.</source>
        <translation>El motor aún se está iniciando; inténtalo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Trabajando…</translation>
    </message>
    <message>
        <source>Something went wrong: {0}</source>
        <translation>Algo ha fallado: {0}</translation>
    </message>
</context>
<context>
    <name>PlotPanel</name>
    <message>
        <source>Save image…</source>
        <translation>Guardar imagen…</translation>
    </message>
    <message>
        <source>Save this plot as PNG or SVG</source>
        <translation>Guardar este gráfico como PNG o SVG</translation>
    </message>
    <message>
        <source>Save data…</source>
        <translation>Guardar datos…</translation>
    </message>
    <message>
        <source>Save the numbers behind this plot as CSV</source>
        <translation>Guardar como CSV los datos de este gráfico</translation>
    </message>
    <message>
        <source>Save image</source>
        <translation>Guardar imagen</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg)</source>
        <translation>Imagen PNG (*.png);;Imagen SVG (*.svg)</translation>
    </message>
    <message>
        <source>Save data</source>
        <translation>Guardar datos</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not save {0}: {1}</source>
        <translation>No se pudo guardar {0}: {1}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Se ha guardado {0}</translation>
    </message>
</context>
<context>
    <name>PluginsView</name>
    <message>
        <source>Load plugin…</source>
        <translation>Cargar complemento…</translation>
    </message>
    <message>
        <source>Add a plugin from a folder or a .zip (Ctrl+L); you can also drop it here</source>
        <translation>Añadir un complemento desde una carpeta o un .zip (Ctrl+L); también puedes arrastrarlo aquí</translation>
    </message>
    <message>
        <source>Load .zip…</source>
        <translation>Cargar .zip…</translation>
    </message>
    <message>
        <source>Add a plugin packed as a .zip archive</source>
        <translation>Añadir un complemento empaquetado como archivo .zip</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Desactivar</translation>
    </message>
    <message>
        <source>Turn the selected plugin off or on; its models disappear while off</source>
        <translation>Desactivar o activar el complemento seleccionado; sus modelos desaparecen mientras está desactivado</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Delete the selected plugin you installed (built-in ones stay)</source>
        <translation>Eliminar el complemento seleccionado que instalaste (los integrados se mantienen)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Tarea</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Arquitectura</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Headline</source>
        <translation>Métrica</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Installed plugins and models</source>
        <translation>Complementos y modelos instalados</translation>
    </message>
    <message>
        <source>Select a model to read its model card.</source>
        <translation>Selecciona un modelo para leer su ficha.</translation>
    </message>
    <message>
        <source>&amp;Load plugin…</source>
        <translation>Cargar co&amp;mplemento…</translation>
    </message>
    <message>
        <source>architecture: %1</source>
        <translation>arquitectura: %1</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Motivo: %1</translation>
    </message>
    <message>
        <source>Carries Python code that has not been trusted; load it again to trust it</source>
        <translation>Incluye código Python en el que aún no se ha confiado; vuelve a cargarlo para confiar en él</translation>
    </message>
    <message>
        <source>loaded</source>
        <translation>cargado</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>listo</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>roto</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>desactivado</translation>
    </message>
    <message>
        <source>untrusted code</source>
        <translation>código no confiado</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Activar</translation>
    </message>
    <message>
        <source>Delete the selected plugin you installed</source>
        <translation>Eliminar el complemento seleccionado que instalaste</translation>
    </message>
    <message>
        <source>Only plugins you installed can be removed; built-in and shipped ones can be disabled</source>
        <translation>Solo se pueden eliminar los complementos que instalaste; los integrados y los incluidos se pueden desactivar</translation>
    </message>
    <message>
        <source>*This model has no model card.*</source>
        <translation>*Este modelo no tiene ficha.*</translation>
    </message>
    <message>
        <source>**Author:** %1</source>
        <translation>**Autor:** %1</translation>
    </message>
    <message>
        <source>**Comes from:** %1</source>
        <translation>**Procedencia:** %1</translation>
    </message>
    <message>
        <source>**Folder:** `%1`</source>
        <translation>**Carpeta:** `%1`</translation>
    </message>
    <message>
        <source>**Why it is broken:**</source>
        <translation>**Por qué está roto:**</translation>
    </message>
    <message>
        <source>Load a plugin archive</source>
        <translation>Cargar un archivo de complemento</translation>
    </message>
    <message>
        <source>Plugin archives (*.zip)</source>
        <translation>Archivos de complemento (*.zip)</translation>
    </message>
    <message>
        <source>Load a plugin folder</source>
        <translation>Cargar una carpeta de complemento</translation>
    </message>
    <message>
        <source>no homepage given</source>
        <translation>sin página web indicada</translation>
    </message>
    <message>
        <source>Folder: %1
Author: %2
Comes from: %3</source>
        <translation>Carpeta: %1
Autor: %2
Procedencia: %3</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>sin indicar</translation>
    </message>
    <message>
        <source>Not installed: it carries Python code and was not trusted.</source>
        <translation>No se ha instalado: incluye código Python y no se confió en él.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 cannot be loaded:&lt;/b&gt;</source>
        <translation>&lt;b&gt;No se puede cargar %1:&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Trust this plugin?</source>
        <translation>¿Confiar en este complemento?</translation>
    </message>
    <message>
        <source>“%1” carries Python code that will run inside Sentido with your permissions.

Only trust plugins from people you trust.</source>
        <translation>«%1» incluye código Python que se ejecutará dentro de Sentido con tus permisos.

Confía solo en complementos de personas en las que confíes.</translation>
    </message>
    <message>
        <source>Trust and install</source>
        <translation>Confiar e instalar</translation>
    </message>
    <message>
        <source>Replace plugin?</source>
        <translation>¿Reemplazar el complemento?</translation>
    </message>
    <message>
        <source>A plugin named “%1” is already installed. Replace it?</source>
        <translation>Ya hay instalado un complemento llamado «%1». ¿Quieres reemplazarlo?</translation>
    </message>
    <message>
        <source>Remove plugin?</source>
        <translation>¿Eliminar el complemento?</translation>
    </message>
    <message>
        <source>Delete the plugin “%1” and its files?</source>
        <translation>¿Eliminar el complemento «%1» y sus archivos?</translation>
    </message>
</context>
<context>
    <name>ResultCard</name>
    <message>
        <source>Type or paste some text.</source>
        <translation>Escribe o pega un texto.</translation>
    </message>
    <message>
        <source>score %1</source>
        <translation>puntuación %1</translation>
    </message>
    <message>
        <source>Signed score from -1 (negative) to +1 (positive)</source>
        <translation>Puntuación con signo, de -1 (negativo) a +1 (positivo)</translation>
    </message>
    <message>
        <source>Confidence in this label</source>
        <translation>Confianza en esta etiqueta</translation>
    </message>
    <message>
        <source>Confidence %1</source>
        <translation>Confianza %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Preferencias</translation>
    </message>
    <message>
        <source>Where models run. Unavailable devices say why.</source>
        <translation>Dónde se ejecutan los modelos. Los dispositivos no disponibles indican el motivo.</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>&amp;Device</source>
        <translation>&amp;Dispositivo</translation>
    </message>
    <message>
        <source>Texts per forward pass in batch runs; larger is faster until memory runs out</source>
        <translation>Textos por pasada hacia delante en las ejecuciones por lotes; cuanto mayor, más rápido, hasta que se agota la memoria</translation>
    </message>
    <message>
        <source>&amp;Batch size</source>
        <translation>Tamaño de &amp;lote</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Como el sistema</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Oscuro</translation>
    </message>
    <message>
        <source>Colours of the window</source>
        <translation>Colores de la ventana</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Tema</translation>
    </message>
    <message>
        <source>%1 — unavailable: %2</source>
        <translation>%1 — no disponible: %2</translation>
    </message>
    <message>
        <source>In use now: %1</source>
        <translation>En uso ahora: %1</translation>
    </message>
    <message>
        <source>%1 unavailable: %2</source>
        <translation>%1 no disponible: %2</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Out of GPU memory</source>
        <translation>Sin memoria en la GPU</translation>
    </message>
    <message>
        <source>The graphics card ran out of memory while running the model.

Switch to the CPU? It is slower but has far more memory. You can change this later in Settings.</source>
        <translation>La tarjeta gráfica se quedó sin memoria al ejecutar el modelo.

¿Cambiar a la CPU? Es más lenta, pero tiene mucha más memoria. Puedes cambiarlo más adelante en Preferencias.</translation>
    </message>
    <message>
        <source>Sentido</source>
        <translation>Sentido</translation>
    </message>
    <message>
        <source>Something went wrong inside Sentido. This is a bug; please report it with the details below.</source>
        <translation>Algo ha fallado dentro de Sentido. Es un error del programa; por favor, notifícalo con los detalles que aparecen abajo.</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Error inesperado</translation>
    </message>
</context>
</TS>
